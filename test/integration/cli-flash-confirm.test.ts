// `companion flash` as users run it (the built bundle) against loop devices: the refusal names the flag that helps,
// a write the user did not confirm never starts, and what it prints comes once, in order. Needs root (losetup).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as NodePty from 'node-pty';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MIB, mbr } from '../fixtures/partition-tables.js';
import { detachLoopDevices, loopDevice, readDevice } from '../helpers/loop-devices.js';
import { rejection } from '../helpers/rejection.js';
import { tempCore } from '../helpers/temp-core.js';

const BUNDLE = join(process.cwd(), 'dist', 'cli', 'companion.cjs');
const canLoop = process.platform === 'linux' && process.getuid?.() === 0 && existsSync('/dev/loop-control');
const IMAGE_BYTES = 8 * MIB;
const CARD_BYTES = 16 * MIB;

let dir = '';
let home = '';
let image = '';
let env: NodeJS.ProcessEnv = {};

beforeAll(async () => {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run "node scripts/build.mjs" first.`);
  dir = await mkdtemp(join(tmpdir(), 'cli-flash-confirm-'));
  home = join(dir, 'home');
  await mkdir(home, { mode: 0o700 });
  image = join(dir, 'pi.img');
  // One partition from 1 MiB to the end, then noise so a written card differs from a blank one everywhere.
  const head = mbr([{ slot: 1, type: 0x83, start: 2048, sectors: (IMAGE_BYTES - MIB) / 512 }], MIB);
  await writeFile(image, Buffer.concat([head, randomBytes(IMAGE_BYTES - MIB)]));
  env = { ...process.env, COMPANION_HOME: home };
  delete env.COMPANION_DEBUG;
});

afterEach(() => detachLoopDevices());
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The CLI with stdin a pipe that carries `input` (no terminal to ask on), stdout and stderr kept apart. */
function companion(args: string[], input = '') {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [BUNDLE, ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** The CLI in a pseudo-terminal: `answer` is typed once the question shows. Resolves with everything it drew. */
function companionInPty(args: string[], answer: string) {
  const pty = createRequire(import.meta.url)('node-pty') as typeof NodePty;
  return new Promise<{ code: number; screen: string }>((resolve) => {
    const child = pty.spawn(process.execPath, [BUNDLE, ...args], { cols: 120, rows: 30, env });
    let screen = '';
    let answered = false;
    child.onData((data) => {
      screen += data;
      if (!answered && screen.includes('[y/N]')) {
        answered = true;
        child.write(`${answer}\r`);
      }
    });
    child.onExit(({ exitCode }) => resolve({ code: exitCode, screen }));
  });
}

const blank = async (device: string) => (await readDevice(device, 0, 2 * MIB)).every((byte) => byte === 0);

describe.skipIf(!canLoop)('companion flash: refusals and the confirmation', () => {
  it('refuses a loop device without --allow-non-removable, naming that flag', async () => {
    const device = await loopDevice(dir, CARD_BYTES);
    const run = await companion(['flash', image, device, '--yes']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/is a loop device \(a file used as a disk\), not a removable card/);
    expect(run.stderr).toMatch(/^hint: If it really is the drive you mean, pass --allow-non-removable;/m);
    expect(run.stderr).not.toMatch(/show all|system disk/i);
    expect(await blank(device)).toBe(true);
  });

  it('tells a too-small card to use a larger one, with both sizes', async () => {
    const device = await loopDevice(dir, 4 * MIB);
    const run = await companion(['flash', image, device, '--allow-non-removable', '--yes']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Too small: the image needs 8\.4 MB, this card has 4\.2 MB\./);
    expect(run.stderr).toMatch(/^hint: Use a larger card\.$/m);
  });

  it('erases nothing without --yes when there is no terminal: a piped "n" is no answer (exit 2)', async () => {
    const device = await loopDevice(dir, CARD_BYTES);
    const run = await companion(['flash', image, device, '--allow-non-removable'], 'n\n');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/there is no terminal to confirm that on\. Nothing was written\./);
    expect(run.stderr).toMatch(/^hint: .*pass --yes/m);
    expect(await blank(device)).toBe(true);
  });

  it('asks on a terminal, showing the drive; "n" leaves it alone, "y" writes it', async () => {
    const device = await loopDevice(dir, CARD_BYTES);
    const no = await companionInPty(['flash', image, device, '--allow-non-removable'], 'n');
    expect(no.code).toBe(130);
    expect(no.screen).toContain(`${device}  Loop device (${device.slice(5)}), 16.8 MB (loop)`);
    expect(no.screen).toContain('Erase everything on it? [y/N]');
    expect(await blank(device)).toBe(true);

    const yes = await companionInPty(['flash', image, device, '--allow-non-removable'], 'y');
    expect(yes.code, yes.screen).toBe(0);
    expect(await blank(device)).toBe(false);
    // The result once, after the progress bar was cleared: nothing of the bar is drawn after it.
    const summary = /Flash .* succeeded in [\d.]+ s\./g;
    expect(yes.screen.match(summary)).toHaveLength(1);
    expect(yes.screen.slice(yes.screen.search(summary))).not.toMatch(/%|writing|verifying/);
  });

  it('prints the result once on stdout, and progress on stderr ends on the final state', async () => {
    const device = await loopDevice(dir, CARD_BYTES);
    const run = await companion(['flash', image, device, '--allow-non-removable', '--yes']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Flash .* succeeded in [\d.]+ s\.\n$/);
    expect(run.stderr).not.toMatch(/succeeded/);
    const progress = run.stderr.trim().split('\n');
    expect(progress.at(-1)).toMatch(/^verifying 100%/);
  });
});

describe.skipIf(!canLoop)('the same refusals as the app shows them', () => {
  it('says "Show all drives" for a loop device and "Use a larger card" for a small one, never a flag', async () => {
    const temp = await tempCore('flash-refusal-words-');
    try {
      const device = await loopDevice(dir, CARD_BYTES);
      const hidden = await rejection(temp.core.flash.start({ image, devices: [device] }));
      expect(hidden.hint).toBe(
        'If it really is the drive you mean, choose "Show all drives"; otherwise pick the SD card itself.',
      );
      const small = await loopDevice(dir, 4 * MIB);
      const tooSmall = await rejection(
        temp.core.flash.start({ image, devices: [small], showAllDrives: true }),
      );
      expect(tooSmall.message).toMatch(/Too small: the image needs 8\.4 MB, this card has 4\.2 MB\./);
      expect(tooSmall.hint).toBe('Use a larger card.');
      for (const error of [hidden, tooSmall]) expect(`${error.message} ${error.hint}`).not.toMatch(/--/);
    } finally {
      await temp.dispose();
    }
  });
});
