import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src/core.js';
import { buildSdImage, type SdImageFixture } from '../fixtures/sd-image.js';
import { rejection } from '../helpers/rejection.js';
import { MemoryKeychain } from '../helpers/memory-keychain.js';
import { tempCore, type TempCore } from '../helpers/temp-core.js';

/**
 * One host, two runs from two processes sharing the data folder (the app and a `companion` command): the second
 * would replace the pin of the image the first is making, so it is refused while the first runs.
 */
const cli = path.join(import.meta.dirname, '..', '..', 'dist', 'cli', 'companion.cjs');
let dir = '';
let dataDir = '';
let fixture: SdImageFixture;
let app: Core;
let temp: TempCore | undefined;

beforeAll(async () => {
  temp = await tempCore('provision-same-host-');
  ({ dir, dataDir, core: app } = temp);
  // Random padding makes decompression take long enough for the second run to start meanwhile.
  fixture = await buildSdImage(path.join(dir, 'fixture'), { compress: 'zstd', padMiB: 192 });
}, 120_000);

afterAll(() => temp?.dispose());

function companionProvision(dest: string) {
  const child = spawn(
    process.execPath,
    [cli, 'provision-image', 'pi', dest, '--image', fixture.compressedPath!, '--no-wifi'],
    { env: { ...process.env, COMPANION_HOME: dataDir }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stderr })),
  );
}

describe('provisioning one host from two processes', () => {
  it('refuses a companion run for the host while the app provisions it, and allows it afterwards', async () => {
    expect(existsSync(cli), 'run `node scripts/build.mjs` first').toBe(true);
    const first = path.join(dir, 'first.img');
    const run = await app.provision.start({
      host: 'pi',
      dest: first,
      imagePath: fixture.compressedPath!,
      noWifi: true,
    });
    const second = path.join(dir, 'second.img');
    const refused = await companionProvision(second);
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toContain('pi is already being provisioned by another window of the app');
    expect(existsSync(second)).toBe(false);

    const outcome = await run.result;
    expect(app.hosts.get('pi')?.pinnedHostKey?.fingerprint).toBe(outcome.record.hostKeyFingerprint);
    const again = await companionProvision(second);
    expect(again.code, again.stderr).toBe(0);
  });

  it('refuses a second core of the same data folder at once, with a typed error', async () => {
    const other = await createCore({ dataDir, keychain: new MemoryKeychain() });
    try {
      const run = await app.provision.start({
        host: 'pi',
        dest: path.join(dir, 'third.img'),
        imagePath: fixture.compressedPath!,
        noWifi: true,
      });
      const error = await rejection(
        other.provision.start({
          host: 'pi',
          dest: path.join(dir, 'fourth.img'),
          imagePath: fixture.compressedPath!,
          noWifi: true,
        }),
      );
      expect(error.code).toBe('provision-busy');
      await run.result;
    } finally {
      await other.dispose();
    }
  });
});
