/// <reference lib="dom" />
import { execFileSync } from 'node:child_process';
import { mkdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { buildSdImage } from '../fixtures/sd-image.js';
import { provisionPi } from '../fixtures/provisioned-pi.js';
import { screenshotBothThemes, useAppSessions } from './harness.js';

const session = useAppSessions();
const loops: string[] = [];
const writes: Promise<unknown>[] = [];
afterEach(async () => {
  // A flash started through the core must end before its loop device goes.
  await Promise.allSettled(writes.splice(0));
  for (const loop of loops.splice(0)) execFileSync('losetup', ['-d', loop]);
});

const MIB = 1024 * 1024;

/** A loop device over a sparse file: a real block device the writer opens like an SD card. */
async function loopDevice(name: string, mib: number): Promise<string> {
  const file = join(session().dataDir, name);
  await writeFile(file, '');
  await truncate(file, mib * MIB);
  const loop = execFileSync('losetup', ['--find', '--show', file]).toString().trim();
  loops.push(loop);
  return loop;
}

/** An image whose write lasts a few seconds: noise after the partitions costs real reading and writing. */
async function bigImage(): Promise<string> {
  const dir = join(session().dataDir, 'big');
  await mkdir(dir);
  return (await buildSdImage(dir, { padMiB: 600 })).path;
}

const imageField = (page: Page) => page.getByLabel('Image to flash', { exact: true });
const row = (page: Page, device: string) => page.locator(`li[data-device="${device}"]`);
const focusedText = (page: Page) => page.evaluate(() => document.activeElement?.textContent ?? '');
const stepTitle = (page: Page) => page.locator('h2.step-title').filter({ visible: true });

async function openFlash(page: Page) {
  await page.getByRole('button', { name: 'Flash', exact: true }).click();
}

/** Show all drives and unfold the loop devices' group. */
async function showLoops(page: Page) {
  await page.getByLabel(/Show all drives/).check();
  await page.locator('summary', { hasText: /^Loop devices/ }).click({ timeout: 10_000 });
}

/** From the choose step with the image filled in: tick `loop`, confirm, flash. */
async function flashTo(page: Page, loop: string) {
  await showLoops(page);
  await row(page, loop).getByRole('checkbox').check({ timeout: 10_000 });
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Flash', exact: true }).last().click();
}

describe('the Flash page as a step of the Pi path', () => {
  it('offers the image provisioned last', async () => {
    const { page, bridge, dataDir } = session();
    const pi = await provisionPi(bridge.core, dataDir, 'pi-garage');
    await page.reload();
    await openFlash(page);
    await expect.poll(() => imageField(page).inputValue()).toBe(pi.image);
    await expect
      .poll(() => page.getByTestId('image-facts').innerText())
      .toMatch(/last provisioned for pi-garage/);
  });

  it('takes the image handed over by "Flash this image", over one typed before', async () => {
    const { page, dataDir } = session();
    const source = await buildSdImage(join(dataDir, 'source'));
    await openFlash(page);
    await imageField(page).fill(join(dataDir, 'something-else.img'));

    await page.getByRole('button', { name: 'Provision', exact: true }).click();
    await page.getByLabel('Host name').fill('pi-shed');
    await page.getByLabel('Wi-Fi country').fill('de');
    await page.getByRole('button', { name: 'Save host and continue' }).click();
    await page.getByLabel('Source image', { exact: true }).fill(source.path);
    await page.getByLabel('Write the provisioned image to', { exact: true }).fill(join(dataDir, 'shed.img'));
    await page.getByLabel('No Wi-Fi (Ethernet)').check();
    await page.getByRole('button', { name: 'Check' }).click();
    await page.getByTestId('plan-host-key').waitFor();
    await page.getByRole('button', { name: 'Provision', exact: true }).last().click();
    await page.getByRole('button', { name: 'Flash this image' }).click({ timeout: 30_000 });

    expect(await page.getByRole('heading', { level: 1 }).filter({ visible: true }).innerText()).toBe('Flash');
    await expect.poll(() => imageField(page).inputValue()).toBe(join(dataDir, 'shed.img'));
  });

  it('finds its running flash again after a reload, with the image and the card', async () => {
    const { page } = session();
    const image = await bigImage();
    const loop = await loopDevice('card.bin', 700);
    await openFlash(page);
    await imageField(page).fill(image);
    await flashTo(page, loop);
    await page.getByTestId('run-view').waitFor();

    await page.reload();
    await openFlash(page);
    const route = page.getByTestId('run-route');
    await expect
      .poll(() => route.innerText(), { timeout: 10_000 })
      .toMatch(new RegExp(`nixos-sd-image\\.img\\s*→\\s*${loop}`));
    expect(await imageField(page).count()).toBe(0);
    await page.getByTestId('flash-done').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('flash-done').getByRole('status').innerText()).toMatch(/holds the image/);
  });

  it('shows a card that a running flash holds as busy, not offered', async () => {
    const { page, bridge } = session();
    const image = await bigImage();
    const loop = await loopDevice('card.bin', 700);
    await openFlash(page);
    const started = await bridge.core.flash.start({
      image,
      devices: [loop],
      showAllDrives: true,
      confirmed: true,
    });
    writes.push(started.result);

    await showLoops(page);
    const card = row(page, loop);
    await expect.poll(() => card.getAttribute('data-busy'), { timeout: 10_000 }).toBe('true');
    expect(await card.getByRole('checkbox').isDisabled()).toBe(true);
    expect(await card.innerText()).toMatch(/In use: being written by/);
    await card.getByRole('button', { name: 'Show its progress' }).click();
    await page.getByTestId('run-view').waitFor();
  });

  it('refuses a web page named .img.zst at the image field, before any drive is erased', async () => {
    const { page, dataDir } = session();
    const fake = join(dataDir, 'nixos.img.zst');
    await writeFile(fake, '<!DOCTYPE html><html><head><title>Sign in</title></head><body></body></html>\n');
    await openFlash(page);
    await imageField(page).fill(fake);
    const problem = page.getByTestId('image-problem');
    await expect.poll(() => problem.innerText(), { timeout: 10_000 }).toMatch(/not a disk image/);
    expect(await problem.getAttribute('role')).toBe('alert');
    expect(await page.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);
    expect(await page.locator('.next-blocked').innerText()).toMatch(/Choose another image/);
  });

  it('shows the write large: percentage, what goes where, then Done with the details folded', async () => {
    const { page } = session();
    const image = await bigImage();
    const loop = await loopDevice('card.bin', 700);
    await openFlash(page);
    await imageField(page).fill(image);
    await flashTo(page, loop);

    await expect
      .poll(() => page.getByTestId('run-percent').innerText(), { timeout: 10_000 })
      .toMatch(/^\d+%$/);
    expect(await page.getByTestId('run-route').innerText()).toMatch(
      new RegExp(`nixos-sd-image\\.img\\s*→\\s*${loop}`),
    );
    expect(await page.locator('.run-numbers').innerText()).not.toMatch(/\b0 B\/s|\b0s left/);
    await screenshotBothThemes(page, 'flash-progress');

    const done = page.getByTestId('flash-done');
    await done.waitFor({ timeout: 60_000 });
    expect(await stepTitle(page).innerText()).toBe('Done');
    expect(await done.getByRole('status').innerText()).toMatch(/The card holds the image, verified/);
    // Hashes and per-card lines are there, folded away.
    expect(await page.getByTestId('source-sha256').isVisible()).toBe(false);
    await done.locator('summary', { hasText: 'Details' }).click();
    expect(await page.getByTestId('source-sha256').innerText()).toMatch(/^[0-9a-f]{64}$/);
    await done.locator('summary', { hasText: 'Details' }).click();
    await screenshotBothThemes(page, 'flash-done');
  });

  it('asks once before stopping a write, and stops only on yes', async () => {
    const { page, bridge } = session();
    const image = await bigImage();
    const loop = await loopDevice('card.bin', 700);
    await openFlash(page);
    await imageField(page).fill(image);
    await flashTo(page, loop);
    await page.getByTestId('run-view').waitFor();

    await page.getByRole('button', { name: 'Cancel' }).click();
    const dialog = page.getByRole('dialog', { name: 'Stop writing?' });
    expect(await dialog.innerText()).toMatch(/unusable until flashed again/);
    await dialog.getByRole('button', { name: 'Keep writing' }).click();
    expect(await dialog.count()).toBe(0);
    expect(bridge.core.tasks.list()[0]?.state).toBe('running');

    await page.getByRole('button', { name: 'Cancel' }).click();
    await dialog.getByRole('button', { name: 'Stop writing' }).click();
    await expect.poll(() => stepTitle(page).innerText(), { timeout: 30_000 }).toBe('Flash stopped');
    expect(bridge.core.tasks.list()[0]?.state).toBe('cancelled');
    expect(await page.getByRole('dialog').count()).toBe(0);
  });

  it('folds loop devices into one group and says "show all" nowhere once they are shown', async () => {
    const { page } = session();
    const loop = await loopDevice('card.bin', 64);
    await openFlash(page);
    await page.getByLabel(/Show all drives/).check();
    const summary = page.locator('summary', { hasText: /^Loop devices \(\d+/ });
    await summary.waitFor({ timeout: 10_000 });
    expect(await row(page, loop).isVisible()).toBe(false);
    await summary.click();
    await row(page, loop).waitFor();
    expect(await page.locator('.drive-reasons').allInnerTexts()).not.toContainEqual(
      expect.stringMatching(/show all/i),
    );

    // Without "show all" the refused system disk carries only why it is refused.
    await page.getByLabel(/Show all drives/).uncheck();
    await expect.poll(() => summary.count()).toBe(0);
    expect(await page.locator('.drive-list').allInnerTexts()).not.toContainEqual(
      expect.stringMatching(/show all/i),
    );
  });

  it('moves focus to each step heading, and to Done when the flash ends', async () => {
    const { page, dataDir } = session();
    const small = await buildSdImage(join(dataDir, 'small'));
    const loop = await loopDevice('card.bin', 128);
    await openFlash(page);
    await imageField(page).fill(small.path);
    await showLoops(page);
    await row(page, loop).getByRole('checkbox').check({ timeout: 10_000 });
    await page.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => focusedText(page)).toBe('Check what will be erased');
    await page.getByRole('button', { name: 'Back', exact: true }).click();
    await expect.poll(() => focusedText(page)).toBe('Choose the image and the card');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Flash', exact: true }).last().click();
    await expect.poll(() => focusedText(page), { timeout: 30_000 }).toBe('Done');
  });

  it('continues to first boot with the host whose image was written', async () => {
    const { page, bridge, dataDir } = session();
    await provisionPi(bridge.core, dataDir, 'pi-garage');
    const loop = await loopDevice('card.bin', 128);
    await page.reload();
    await openFlash(page);
    await expect.poll(() => imageField(page).inputValue()).toMatch(/pi-garage\.img$/);
    await flashTo(page, loop);
    await page.getByRole('button', { name: 'Continue to first boot' }).click({ timeout: 30_000 });
    await expect.poll(() => stepTitle(page).innerText()).toBe('Start pi-garage');
  });
});
