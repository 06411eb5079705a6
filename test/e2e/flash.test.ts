import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { openSync, readSync, closeSync } from 'node:fs';
import { readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildSdImage } from '../fixtures/sd-image.js';
import { screenshotBothThemes, useAppSessions } from './harness.js';

const session = useAppSessions();
const loops: string[] = [];
afterEach(() => {
  for (const loop of loops.splice(0)) execFileSync('losetup', ['-d', loop]);
});

/** A loop device over a sparse file: a real block device the writer opens like an SD card. */
async function loopDevice(file: string, bytes: number): Promise<string> {
  await writeFile(file, '');
  await truncate(file, bytes);
  const loop = execFileSync('losetup', ['--find', '--show', file]).toString().trim();
  loops.push(loop);
  return loop;
}

function sha256OfDevice(device: string, bytes: number): string {
  const hash = createHash('sha256');
  const fd = openSync(device, 'r');
  const buffer = Buffer.alloc(4 << 20);
  for (let at = 0; at < bytes;) {
    const n = readSync(fd, buffer, 0, Math.min(buffer.length, bytes - at), at);
    hash.update(buffer.subarray(0, n));
    at += n;
  }
  closeSync(fd);
  return hash.digest('hex');
}

describe('the Flash page', () => {
  it('flashes an image to a drive after confirmation, verifies it, and never offers the system disk', async () => {
    const { page, dataDir } = session();
    const fixture = await buildSdImage(join(dataDir, 'fixture'), { compress: 'zstd' });
    const loop = await loopDevice(join(dataDir, 'card.bin'), 128 * 1024 * 1024);

    await page.getByRole('button', { name: 'Flash', exact: true }).click();
    await page.getByLabel('Image to flash', { exact: true }).fill(fixture.compressedPath!);
    await page.getByLabel(/Show all drives/).check();
    // Loop devices are folded into one group.
    await page.locator('summary', { hasText: /^Loop devices/ }).click({ timeout: 10_000 });
    const row = page.locator(`li[data-device="${loop}"]`);
    await row.waitFor({ timeout: 10_000 });

    // The disk that holds / is listed as refused, with the reason, and cannot be picked.
    const root = execFileSync('findmnt', ['-n', '-o', 'SOURCE', '/']).toString().trim();
    const system = page.locator(`li[data-device="${root}"]`);
    if ((await system.count()) > 0) {
      expect(await system.getAttribute('data-writable')).toBe('false');
      expect(await system.locator('[data-code="system-disk"]').count()).toBe(1);
      expect(await system.getByRole('checkbox').isDisabled()).toBe(true);
    }

    await row.getByRole('checkbox').check();
    await screenshotBothThemes(page, 'flash-choose');
    await page.getByRole('button', { name: 'Next' }).click();
    expect(await page.getByRole('status').first().innerText()).toMatch(/will be erased/);
    await screenshotBothThemes(page, 'flash-confirm');
    await page.getByRole('button', { name: 'Flash', exact: true }).last().click();

    const outcome = page.getByRole('status').filter({ hasText: /holds the image|unusable/ });
    await expect.poll(() => outcome.innerText(), { timeout: 30_000 }).toMatch(/verified by reading it back/);
    const raw = await readFile(fixture.path);
    expect(sha256OfDevice(loop, raw.length)).toBe(createHash('sha256').update(raw).digest('hex'));
    await screenshotBothThemes(page, 'flash-done');

    // The hand-over: straight on to the first-boot wizard.
    await page.getByRole('button', { name: 'Continue to first boot' }).click();
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('First boot');
  });
});
