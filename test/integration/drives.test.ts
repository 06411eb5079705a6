import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Drive } from '../../src/flash/drives/drive.js';
import { assessDrive, type DriveVerdict } from '../../src/flash/drives/drive-safety.js';
import { listDrives } from '../../src/flash/drives/list-drives.js';
import { findSourceDevice } from '../../src/flash/drives/source-device.js';

const run = promisify(execFile);
const BUNDLE = join(process.cwd(), 'dist', 'cli', 'companion.cjs');
const SIZE = 64 * 1024 * 1024;
// Loop devices need root and Linux; elsewhere there is nothing real to list safely.
const canLoop = process.platform === 'linux' && process.getuid?.() === 0 && existsSync('/dev/loop-control');

let dir = '';
let loop: string | null = null;

beforeAll(async () => {
  if (!canLoop) return;
  dir = await mkdtemp(join(tmpdir(), 'companion-drives-'));
  const backing = join(dir, 'card.img');
  await writeFile(backing, '');
  await truncate(backing, SIZE); // sparse: no 64 MiB written
  loop = (await run('losetup', ['--find', '--show', backing])).stdout.trim();
});

afterAll(async () => {
  // Only the device this file attached, and always, so a failed assertion never leaks a loop device.
  if (loop) await run('losetup', ['-d', loop]).catch(() => undefined);
  if (dir) await rm(dir, { recursive: true, force: true });
});

const context = {
  imageSizeBytes: 32 * 1024 * 1024,
  sourcePath: null,
  sourceDevice: null,
  showAllDrives: false,
};

describe.runIf(canLoop)('drives on this machine', () => {
  it('lists the attached loop device with its size; the policy offers it only with show all', async () => {
    const drives = await listDrives();
    const mine = drives.find((d) => d.device === loop);
    expect(mine).toMatchObject({ bus: 'loop', sizeBytes: SIZE, readOnly: false, mountpoints: [] });
    const drive = mine as Drive;
    expect(assessDrive(drive, context)).toMatchObject({ offered: false, writable: false });
    expect(assessDrive(drive, { ...context, showAllDrives: true })).toMatchObject({
      offered: true,
      writable: true,
      needsConfirmation: false,
    });
    expect(assessDrive(drive, { ...context, imageSizeBytes: 2 * SIZE, showAllDrives: true }).writable).toBe(
      false,
    );
  });

  it('never offers the disk mounted at /', async () => {
    const root = (await listDrives()).filter((d) => d.mountpoints.includes('/'));
    for (const drive of root) {
      const verdict = assessDrive(drive, { ...context, showAllDrives: true });
      expect(verdict).toMatchObject({ offered: false, writable: false });
      expect(verdict.reasons.map((r) => r.code)).toContain('system-disk');
    }
  });

  it('finds the device holding an image file and refuses that disk as holding the source', async () => {
    const sourcePath = join(dir, 'card.img');
    const sourceDevice = await findSourceDevice(sourcePath);
    // Overlay or network filesystems have no block device; the policy then matches by mountpoint alone.
    if (sourceDevice === null) return;
    const holder = (await listDrives()).find((d) =>
      [d.device, ...d.partitions.map((p) => p.device)].includes(sourceDevice),
    );
    if (!holder) return; // e.g. a LUKS or LVM device: not a disk of its own
    const verdict = assessDrive(holder, { ...context, sourcePath, sourceDevice, showAllDrives: true });
    expect(verdict.reasons.map((r) => r.code)).toContain('holds-source');
    expect(verdict.offered).toBe(false);
  });

  it('"companion drives --json --all" lists the loop device as writable', async () => {
    expect(existsSync(BUNDLE), `${BUNDLE} is missing: run "npm run build"`).toBe(true);
    const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (resolve, reject) => {
        const child = spawn(process.execPath, [BUNDLE, 'drives', '--json', '--all'], {
          env: { ...process.env, COMPANION_HOME: dir },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      },
    );
    expect(out.code, out.stderr).toBe(0);
    const choices = JSON.parse(out.stdout) as { drive: Drive; verdict: DriveVerdict }[];
    const mine = choices.find((c) => c.drive.device === loop);
    expect(mine?.drive).toMatchObject({ bus: 'loop', sizeBytes: SIZE });
    expect(mine?.verdict).toMatchObject({ offered: true, writable: true });
  });
});
