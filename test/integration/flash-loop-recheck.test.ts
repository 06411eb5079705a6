// A loop device is checked by its backing file before it is opened, and opening it pins only its device number,
// which a loop keeps when it is detached and set up again over another file. So the writer looks at the backing once
// more while it holds the open descriptor (with it open, the loop cannot be pointed elsewhere). Real loop devices,
// the real writer session in this (root) process, user 65534.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, chown, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runWriterSession } from '../../src/flash/elevate/writer-session.js';
import { decodeEvent } from '../../src/flash/elevate/writer-protocol.js';
import { buildSdImage, type SdImageFixture } from '../fixtures/sd-image.js';
import { detachLoopDevices, loopOver, sha256OfDevice } from '../helpers/loop-devices.js';

const MIB = 1024 * 1024;
const USER = 65534;
const zeros = createHash('sha256').update(Buffer.alloc(MIB)).digest('hex');
let priv = '';
let pub = '';
let image: SdImageFixture;

beforeAll(async () => {
  priv = await mkdtemp(path.join(tmpdir(), 'recheck-root-'));
  pub = await mkdtemp(path.join(tmpdir(), 'recheck-user-'));
  await chmod(pub, 0o755);
  image = await buildSdImage(path.join(pub, 'img'));
}, 300_000);

afterEach(() => detachLoopDevices());

afterAll(async () => {
  await Promise.all([priv, pub].filter(Boolean).map((d) => rm(d, { recursive: true, force: true })));
});

/** One session as pkexec would start it for user 65534, `afterCheck` run between the checks and the open. */
async function session(device: string, afterCheck: () => Promise<void>) {
  const input = new PassThrough();
  const output = new PassThrough();
  let out = '';
  output.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  input.end(
    `${JSON.stringify({ v: 1, source: image.path, devices: [device], verify: false, detached: true })}\n`,
  );
  const env = { PKEXEC_UID: String(USER) };
  const code = await runWriterSession({ input, output, env, pipeOwner: null, afterCheck });
  const last = out.split('\n').filter(Boolean).map(decodeEvent).at(-1);
  return { code, error: last && 'error' in last ? last.error : null };
}

describe.skipIf(process.getuid?.() !== 0)('a loop device re-pointed between the check and the open', () => {
  it('is refused once open when its number now stands for root’s file, which stays untouched', async () => {
    const card = path.join(pub, 'card.img');
    const device = await loopOver(card, image.imageSize + 16 * MIB);
    await chown(card, USER, USER);
    const rootFile = path.join(priv, 'root-disk.img');
    await writeFile(rootFile, '');
    await truncate(rootFile, image.imageSize + 16 * MIB);
    const result = await session(device, async () => {
      // The user's loop goes away and the same number is set up over root's file: same device number.
      execFileSync('losetup', ['-d', device]);
      execFileSync('losetup', [device, rootFile]);
    });
    expect(result.code).toBe(1);
    expect(result.error).toMatchObject({
      code: 'flash-device-refused',
      message: expect.stringContaining('a file your account may not write'),
    });
    expect(await sha256OfDevice(device, MIB)).toBe(zeros);
  });

  it('still writes a loop that kept the user’s file', async () => {
    const card = path.join(pub, 'kept.img');
    const device = await loopOver(card, image.imageSize + 16 * MIB);
    await chown(card, USER, USER);
    const result = await session(device, async () => {});
    expect(result.error).toBeNull();
    expect(await sha256OfDevice(device, image.imageSize)).toBe(image.sha256);
  });
});
