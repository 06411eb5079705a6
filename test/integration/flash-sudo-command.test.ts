// The terminal command the app prints when it cannot ask for the password itself (no pkexec, no polkit agent), run
// exactly as printed — `sh -c` on the hint's text, as root, with no standard input — through the real launcher,
// sudo and writer, onto a loop device. Its stdin ends right after the request: that must not read as a cancel.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CompanionError } from '../../src/errors.js';
import {
  buildWriterRequest,
  writerHelperScript,
  writerLauncherPath,
} from '../../src/flash/elevate/run-privileged-writer.js';
import { planWriterLaunch } from '../../src/flash/elevate/writer-launch.js';
import { decodeEvent, type WriterRequest } from '../../src/flash/elevate/writer-protocol.js';
import { buildSdImage, type SdImageFixture } from '../fixtures/sd-image.js';
import { detachLoopDevices, loopDevice, sha256OfDevice } from '../helpers/loop-devices.js';

const MIB = 1024 * 1024;
let dir = '';
let small: SdImageFixture;
let big: SdImageFixture;
const hasSudo = spawnSync('sudo', ['-n', 'true']).status === 0;

/** The command in the hint of the error the app shows when pkexec is missing, as the user would copy it. */
function printedCommand(request: WriterRequest): string {
  try {
    planWriterLaunch({
      platform: 'linux',
      isRoot: false,
      inElectron: false,
      execPath: process.execPath,
      helperScript: writerHelperScript(),
      launcher: writerLauncherPath(),
      internalDisk: null,
      request,
      pkexec: null,
      pipeDir: null,
    });
  } catch (error) {
    const { hint } = error as CompanionError;
    return hint.slice(hint.indexOf('instead: ') + 'instead: '.length);
  }
  throw new Error('no command was printed');
}

const eventsOf = (stdout: string) => stdout.split('\n').filter(Boolean).map(decodeEvent);

beforeAll(async () => {
  expect(existsSync(writerHelperScript()), 'run `node scripts/build.mjs` first').toBe(true);
  dir = await mkdtemp(path.join(tmpdir(), 'sudo-command-'));
  small = await buildSdImage(path.join(dir, 'small'), { compress: 'zstd' });
  big = await buildSdImage(path.join(dir, 'big'), { compress: 'zstd', padMiB: 256 });
}, 300_000);

afterEach(() => detachLoopDevices());

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(process.getuid?.() !== 0 || !hasSudo)('the printed sudo command', () => {
  it('writes and verifies the card when run exactly as printed', async () => {
    const device = await loopDevice(dir, small.imageSize + 16 * MIB);
    const command = printedCommand(
      await buildWriterRequest({ source: small.compressedPath!, devices: [device] }),
    );
    expect(command).toMatch(/\| sudo '.*companion-flash-writer'$/);
    const result = spawnSync('sh', ['-c', command], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(eventsOf(result.stdout).at(-1)).toMatchObject({
      done: { bytesWritten: small.imageSize, sourceSha256: small.sha256, verified: true },
    });
    expect(await sha256OfDevice(device, small.imageSize)).toBe(small.sha256);
  });

  it('stops cleanly on Ctrl-C (SIGINT to its process group), saying it was cancelled', async () => {
    const device = await loopDevice(dir, big.imageSize + 16 * MIB);
    const command = printedCommand(
      await buildWriterRequest({ source: big.compressedPath!, devices: [device] }),
    );
    const shell = spawn('sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    let interrupted = false;
    shell.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      // As a terminal does: the whole foreground group gets it.
      if (!interrupted && /"phase":"writing","done":[1-9]/.test(out)) {
        interrupted = true;
        process.kill(-shell.pid!, 'SIGINT');
      }
    });
    // 'close' waits for the writer too: it holds the pipe until it has said its last line and exited.
    const signal = await new Promise<NodeJS.Signals | null>((resolve) =>
      shell.on('close', (_, sig) => resolve(sig)),
    );
    expect(interrupted).toBe(true);
    // The shell itself dies of the SIGINT, like a terminal's pipeline; the writer stops at its next block and says so.
    expect(signal).toBe('SIGINT');
    expect(eventsOf(out).at(-1)).toMatchObject({ error: { code: 'cancelled' } });
  });
});
