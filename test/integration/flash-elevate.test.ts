// The privileged writer end to end, as root (so no pkexec): the app side spawns the bundled helper, which re-checks
// the device itself. Only loop devices this file created are written, and each is detached after its test.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError } from '../../src/errors.js';
import { sweepStalePins } from '../../src/flash/elevate/checked-source.js';
import { runPrivilegedWriter, writerHelperScript } from '../../src/flash/elevate/run-privileged-writer.js';
import { decodeEvent, type WriterEvent } from '../../src/flash/elevate/writer-protocol.js';
import type { FlashProgress } from '../../src/flash/write/write-image-to-device.js';
import { buildSdImage, type SdImageFixture } from '../fixtures/sd-image.js';
import { detachLoopDevices, loopDevice as makeLoopDevice, sha256OfDevice } from '../helpers/loop-devices.js';
import { rejection } from '../helpers/rejection.js';
import { watchChildUids } from '../helpers/child-uids.js';

const loopDevice = (bytes: number) => makeLoopDevice(dir, bytes);

const MIB = 1024 * 1024;
let dir = '';
let small: SdImageFixture;
let big: SdImageFixture;

/** The whole disk holding '/', which the writer must refuse whatever it is asked. */
function rootDisk(): string {
  const source = execFileSync('findmnt', ['-n', '-o', 'SOURCE', '/'], { encoding: 'utf8' }).trim();
  const parent = execFileSync('lsblk', ['-ndo', 'PKNAME', source], { encoding: 'utf8' }).trim();
  return parent ? `/dev/${parent}` : source;
}

/** Talks to the helper directly, the way an attacker holding its stdin would. */
function runHelper(input: string, env: NodeJS.ProcessEnv = {}) {
  return new Promise<{ code: number | null; events: WriterEvent[] }>((resolve) => {
    const child = spawn(process.execPath, [writerHelperScript()], {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, ...env },
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.on('close', (code) => resolve({ code, events: out.split('\n').filter(Boolean).map(decodeEvent) }));
    child.stdin.end(input);
  });
}

const errorOf = (events: WriterEvent[]) => {
  const last = events.at(-1);
  return last && 'error' in last ? last.error : null;
};

/** Whether a process with this id still exists (a zombie counts: it has not been waited for). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    expect((error as NodeJS.ErrnoException).code).toBe('ESRCH');
    return false;
  }
}

/** The writer's source bind mounts now in place (a killed writer cannot remove its own). */
async function writerMounts(): Promise<string[]> {
  const lines = (await readFile('/proc/self/mountinfo', 'utf8')).split('\n');
  return lines.map((l) => l.split(' ')[4] ?? '').filter((m) => /\/companion-writer-[^/]+\/image$/.test(m));
}

beforeAll(async () => {
  expect(existsSync(writerHelperScript()), 'run `node scripts/build.mjs` first').toBe(true);
  dir = await mkdtemp(path.join(tmpdir(), 'flash-elevate-'));
  small = await buildSdImage(path.join(dir, 'small'), { compress: 'zstd' });
  // Random padding costs real decompression time, so the cancel lands mid-write.
  big = await buildSdImage(path.join(dir, 'big'), { compress: 'zstd', padMiB: 256 });
}, 300_000);

afterEach(() => {
  detachLoopDevices();
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('runPrivilegedWriter (as root)', () => {
  it('writes the image byte-identical through the helper, with progress and log lines', async () => {
    const device = await loopDevice(small.imageSize + 16 * MIB);
    const progress: FlashProgress[] = [];
    const lines: string[] = [];
    const result = await runPrivilegedWriter({
      source: small.compressedPath!,
      devices: [device],
      onProgress: (p) => progress.push(p),
      log: (line) => lines.push(line),
    });
    expect(result).toMatchObject({
      bytesWritten: small.imageSize,
      sourceSha256: small.sha256,
      verified: true,
    });
    expect(await sha256OfDevice(device, small.imageSize)).toBe(small.sha256);
    expect(progress.some((p) => p.phase === 'writing' && p.done === small.imageSize)).toBe(true);
    expect(progress.at(-1)).toMatchObject({ phase: 'verifying', done: small.imageSize, unit: 'bytes' });
    expect(lines.join('\n')).toMatch(
      /checked by the writer itself; source bind-mounted[\s\S]*Verified .*match/,
    );
  });

  it('writes several devices from one request, each re-checked, each verified', async () => {
    const devices = [
      await loopDevice(small.imageSize + 16 * MIB),
      await loopDevice(small.imageSize + 16 * MIB),
    ];
    const result = await runPrivilegedWriter({ source: small.compressedPath!, devices });
    expect(result.devices).toEqual(
      devices.map((device) => ({ device, ok: true, bytesWritten: small.imageSize, verified: true })),
    );
    for (const device of devices) expect(await sha256OfDevice(device, small.imageSize)).toBe(small.sha256);
  });

  it('refuses a multi-device request when any one device fails the policy, writing none', async () => {
    const device = await loopDevice(small.imageSize + 16 * MIB);
    const direct = await runHelper(
      `${JSON.stringify({ v: 1, source: small.path, devices: [device, rootDisk()], verify: false })}\n`,
    );
    expect(direct.code).not.toBe(0);
    expect(errorOf(direct.events)?.code).toBe('system-disk');
    expect(await sha256OfDevice(device, MIB)).toBe(
      createHash('sha256').update(Buffer.alloc(MIB)).digest('hex'),
    );
  });

  it('runs the decompressor as nobody when root itself asked (no invoking user)', async () => {
    const device = await loopDevice(small.imageSize + 16 * MIB);
    const env = { ...process.env };
    for (const name of ['PKEXEC_UID', 'SUDO_UID', 'SUDO_GID']) delete env[name];
    const child = spawn(process.execPath, [writerHelperScript()], {
      stdio: ['pipe', 'pipe', 'inherit'],
      env,
    });
    const zstdUids = watchChildUids(child.pid!, 'zstd');
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    const code = await new Promise<number | null>((resolve) => {
      child.on('close', resolve);
      // detached: end of input is not a cancel (as the printed sudo command sends it).
      child.stdin.end(
        `${JSON.stringify({ v: 1, source: small.compressedPath, devices: [device], verify: true, detached: true })}\n`,
      );
    });
    const uids = zstdUids.stop();
    expect(errorOf(out.split('\n').filter(Boolean).map(decodeEvent))).toBeNull();
    expect(code).toBe(0);
    expect(await sha256OfDevice(device, small.imageSize)).toBe(small.sha256);
    expect(uids).toEqual(['65534']);
  });

  it('refuses the disk holding / even when asked, through the app side and directly', async () => {
    const disk = rootDisk();
    const error = await rejection(runPrivilegedWriter({ source: small.path, devices: [disk] }));
    expect(error.code).toBe('system-disk');
    expect(error.message).toContain('Nothing was written');
    const direct = await runHelper(
      `${JSON.stringify({ v: 1, source: small.path, devices: [disk], verify: false })}\n`,
    );
    expect(direct.code).not.toBe(0);
    expect(errorOf(direct.events)?.code).toBe('system-disk');
  });

  it('answers a malformed request with an error line and a non-zero exit', async () => {
    for (const input of [
      'not json\n',
      `${JSON.stringify({ v: 1, source: '/a', devices: ['/dev/loop0'] })}\n`,
    ]) {
      const { code, events } = await runHelper(input);
      expect(code).toBe(1);
      expect(events).toHaveLength(1);
      expect(errorOf(events)?.code).toBe('flash-writer-protocol');
    }
  });

  it('refuses a source that is not a regular file or not readable by the invoking user', async () => {
    const device = await loopDevice(64 * MIB);
    const ask = (source: string) => `${JSON.stringify({ v: 1, source, devices: [device], verify: false })}\n`;
    expect(errorOf((await runHelper(ask('/dev/zero'))).events)?.message).toContain('not a regular file');
    const secret = path.join(dir, 'secret.img');
    await writeFile(secret, 'x');
    await chmod(secret, 0o600);
    // As if pkexec had been run by `nobody`: root's power must not lend it the file.
    const denied = await runHelper(ask(secret), { PKEXEC_UID: '65534' });
    expect(errorOf(denied.events)).toMatchObject({ code: 'flash-source-refused' });
    expect(errorOf(denied.events)?.message).toContain('not readable by your account');
  });

  it('stops promptly on cancel with a CancelledError', async () => {
    const device = await loopDevice(big.imageSize + 16 * MIB);
    const controller = new AbortController();
    let cancelledAt = 0;
    let pid = 0;
    const writing = runPrivilegedWriter({
      source: big.compressedPath!,
      devices: [device],
      signal: controller.signal,
      onSpawn: (p) => (pid = p),
      onProgress: (p) => {
        if (p.phase === 'writing' && p.done > 8 * MIB && !cancelledAt) {
          cancelledAt = Date.now();
          controller.abort();
        }
      },
    });
    const error = await rejection(writing);
    expect(alive(pid)).toBe(false);
    expect(error).toBeInstanceOf(CancelledError);
    expect(cancelledAt).toBeGreaterThan(0);
    expect(Date.now() - cancelledAt).toBeLessThan(2000);
  });

  it('settles a cancel only once the writer has exited, killing one that does not stop in time', async () => {
    const device = await loopDevice(big.imageSize + 16 * MIB);
    const mountsBefore = new Set(await writerMounts());
    const controller = new AbortController();
    const lines: string[] = [];
    let pid = 0;
    const writing = runPrivilegedWriter({
      source: big.compressedPath!,
      devices: [device],
      signal: controller.signal,
      cancelGraceMs: 500,
      onSpawn: (p) => (pid = p),
      log: (line) => lines.push(line),
      onProgress: (p) => {
        if (p.phase !== 'writing' || p.done < 8 * MIB || controller.signal.aborted) return;
        // A writer stuck in the kernel (a card hanging in a flush) cannot answer the cancel: stop it cold.
        process.kill(pid, 'SIGSTOP');
        controller.abort();
      },
    });
    const error = await rejection(writing);
    // Checked the moment the promise settles: the process must already be gone (exited and reaped).
    const stillThere = alive(pid);
    // SIGKILL skipped the writer's own clean-up: its pin is still mounted, until the next writer sweeps it.
    const left = (await writerMounts()).filter((m) => !mountsBefore.has(m));
    expect(left).toHaveLength(1);
    expect(await sweepStalePins(path.dirname(path.dirname(left[0]!)))).toEqual([path.dirname(left[0]!)]);
    expect((await writerMounts()).filter((m) => !mountsBefore.has(m))).toEqual([]);
    expect(pid).toBeGreaterThan(0);
    expect(stillThere).toBe(false);
    expect(error).toBeInstanceOf(CancelledError);
    expect(lines.join('\n')).toMatch(
      /did not stop within 0.5 s of the cancel: killing the privileged writer/,
    );
  });
});
