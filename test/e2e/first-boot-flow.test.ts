/// <reference lib="dom" />
import { execFileSync } from 'node:child_process';
import { truncate, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { clientKey, provisionPi, startPi } from '../fixtures/provisioned-pi.js';
import type { TestSshd } from '../fixtures/test-sshd.js';
import { screenshotBothThemes, useAppSessions } from './harness.js';

const session = useAppSessions();
const running: TestSshd[] = [];
const loops: string[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((sshd) => sshd.stop()));
  for (const loop of loops.splice(0)) execFileSync('losetup', ['-d', loop]);
});

/** Provisions `pi` through the core and starts a real sshd on 127.0.0.1 with its key, as the booted Pi. */
async function bootPi() {
  const { dataDir, bridge } = session();
  const pi = await provisionPi(bridge.core, dataDir);
  const client = await clientKey(dataDir);
  const sshd = await startPi(pi, client.publicLine);
  running.push(sshd);
  await sshd.ready;
  return { pi, client, address: `127.0.0.1:${sshd.port}` };
}

/** A port on 127.0.0.1 where nothing listens: every probe is refused, so the wizard keeps waiting. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const addressField = (page: Page) => page.getByLabel('Address (optional)');
const keyField = (page: Page) => page.getByLabel('SSH key (empty: use your SSH agent)', { exact: true });
const focusedText = (page: Page) => page.evaluate(() => document.activeElement?.textContent ?? '');

async function openPrepare(address: string, keyFile: string) {
  const { page } = session();
  await page.getByRole('button', { name: 'First boot', exact: true }).click();
  await page.getByRole('button', { name: 'First boot of pi' }).click();
  await addressField(page).fill(address);
  await keyField(page).fill(keyFile);
}

async function runToTheEnd() {
  const { page } = session();
  await page.getByRole('button', { name: 'Start looking for pi' }).click();
  await page.locator('[data-outcome="passed"]').waitFor({ timeout: 30_000 });
}

/** Starts looking for `pi` at an address where nothing answers: the run stays in its waiting view. */
async function lookAtNothing() {
  const { page, bridge, dataDir } = session();
  await provisionPi(bridge.core, dataDir);
  const client = await clientKey(dataDir);
  await openPrepare(`127.0.0.1:${await closedPort()}`, client.file);
  await page.getByRole('button', { name: 'Start looking for pi' }).click();
  await page.getByTestId('waiting').waitFor();
}

describe('the first-boot wizard keeps what was typed', () => {
  it('keeps the address and the key after Back', async () => {
    const { client, address } = await bootPi();
    const { page } = session();
    await openPrepare(address, client.file);
    await runToTheEnd();
    await page.getByRole('button', { name: 'Back', exact: true }).click();
    expect(await addressField(page).inputValue()).toBe(address);
    expect(await keyField(page).inputValue()).toBe(client.file);
  });

  it('does not blank the key or the checks in the profile on a run after Back', async () => {
    const { client, address } = await bootPi();
    const { page, bridge } = session();
    await openPrepare(address, client.file);
    await page.getByLabel('Check name').fill('Kernel answers');
    await page.getByLabel('Command', { exact: true }).fill('uname -s');
    await page.getByRole('button', { name: 'Add check' }).click();
    await runToTheEnd();
    // Saved by another face while the wizard is open: the form did not show it changing, so it must not undo it.
    const saved = bridge.core.hosts.get('pi')!;
    await bridge.core.hosts.save({ name: 'pi', access: { ...saved.access, buildHost: 'root@builder.lan' } });

    await page.getByRole('button', { name: 'Back', exact: true }).click();
    await runToTheEnd();
    expect(bridge.core.hosts.get('pi')).toMatchObject({
      access: { address, identityFile: client.file, buildHost: 'root@builder.lan' },
      checks: [{ kind: 'command', name: 'Kernel answers', command: 'uname -s' }],
    });
  });

  it('saves only the field the user changed after Back', async () => {
    const { client, address } = await bootPi();
    const { page, bridge } = session();
    await openPrepare('192.0.2.1', client.file);
    await page.getByLabel('Build host for deploys (optional)').fill('root@builder.lan');
    await page.getByRole('button', { name: 'Start looking for pi' }).click();
    await page.getByRole('button', { name: 'Stop looking' }).click();
    await page.getByRole('button', { name: 'Back', exact: true }).click();

    await addressField(page).fill(address);
    await page.getByRole('button', { name: 'Start looking for pi' }).click();
    await page.getByRole('heading', { level: 2, name: 'First boot of pi' }).waitFor();
    expect(bridge.core.hosts.get('pi')!.access).toEqual({
      sshUser: 'root',
      address,
      identityFile: client.file,
      buildHost: 'root@builder.lan',
    });
  });

  it('keeps the inputs when the user leaves the page and comes back', async () => {
    const { page, bridge, dataDir } = session();
    await provisionPi(bridge.core, dataDir);
    await openPrepare('192.0.2.7:2222', '/home/me/.ssh/id_pi');
    await page.getByLabel('Check name').fill('UPS is seen');
    await page.getByRole('button', { name: 'Flash', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Flash' }).waitFor();
    await page.getByRole('button', { name: 'First boot', exact: true }).click();

    expect(await addressField(page).inputValue()).toBe('192.0.2.7:2222');
    expect(await keyField(page).inputValue()).toBe('/home/me/.ssh/id_pi');
    expect(await page.getByLabel('Check name').inputValue()).toBe('UPS is seen');
  });
});

describe('the first-boot wizard after a flash', () => {
  it('opens the prepare step of the host whose image was written', async () => {
    const { page, bridge, dataDir } = session();
    const pi = await provisionPi(bridge.core, dataDir);
    const card = join(dataDir, 'card.bin');
    await writeFile(card, '');
    await truncate(card, 128 * 1024 * 1024);
    const loop = execFileSync('losetup', ['--find', '--show', card]).toString().trim();
    loops.push(loop);

    await page.getByRole('button', { name: 'Flash', exact: true }).click();
    await page.getByLabel('Image to flash', { exact: true }).fill(pi.image);
    await page.getByLabel(/Show all drives/).check();
    await page.locator('summary', { hasText: /^Loop devices/ }).click({ timeout: 10_000 });
    await page.locator(`li[data-device="${loop}"]`).getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Flash', exact: true }).last().click();
    await page.getByRole('button', { name: 'Continue to first boot' }).click({ timeout: 30_000 });

    const heading = page.getByRole('heading', { level: 2, name: 'Start pi' });
    await heading.waitFor();
    expect(await page.getByRole('button', { name: 'Start looking for pi' }).count()).toBe(1);
  });
});

describe('the first-boot waiting view', () => {
  it('groups identical attempts instead of repeating them every round', { timeout: 90_000 }, async () => {
    await lookAtNothing();
    const { page } = session();
    const summary = page.getByText(/^What was tried \(\d+\)$/);
    const items = page.getByRole('list', { name: 'Discovery attempts' }).getByRole('listitem');
    // An unchanged outcome is reported again every 30 s: wait for the second report of each target.
    await expect
      .poll(async () => Number((await summary.innerText()).match(/\d+/)![0]) >= 2 * (await items.count()), {
        timeout: 60_000,
        interval: 1000,
      })
      .toBe(true);
    const lines = await items.allInnerTexts();
    expect(new Set(lines).size).toBe(lines.length);
    const address = lines.find((line) => line.includes('(the address you gave)'));
    expect(address).toMatch(/refused ×[2-9], last \d\d:\d\d:\d\d$/);
  });

  it('shows a spinner, the time waited and the time limit', async () => {
    await lookAtNothing();
    const { page } = session();
    const clock = page.getByTestId('waiting-clock');
    expect(await page.getByRole('status').filter({ hasText: 'Waiting for pi…' }).count()).toBe(1);
    expect(await page.getByTestId('waiting').locator('.spinner').count()).toBe(1);
    expect(await clock.innerText()).toMatch(/^0:0\d of 15:00$/);
    const first = await clock.innerText();
    await expect.poll(() => clock.innerText(), { timeout: 5_000 }).not.toBe(first);
    await screenshotBothThemes(page, 'first-boot-waiting');
    // With reduced motion asked for, the spinner does not turn.
    await page.emulateMedia({ reducedMotion: 'reduce' });
    const spinner = page.getByTestId('waiting').locator('.spinner');
    expect(await spinner.evaluate((el) => getComputedStyle(el).animationName)).not.toMatch(/spin/);
  });
});

describe('the first-boot wizard and the keyboard', () => {
  it('moves focus to the heading of each new step', async () => {
    const { client, address } = await bootPi();
    const { page } = session();
    await page.getByRole('button', { name: 'First boot', exact: true }).click();
    await page.getByRole('button', { name: 'First boot of pi' }).click();
    await expect.poll(() => focusedText(page)).toBe('Start pi');
    await addressField(page).fill(address);
    await keyField(page).fill(client.file);
    await screenshotBothThemes(page, 'first-boot-prepare');

    await page.getByRole('button', { name: 'Start looking for pi' }).click();
    await expect.poll(() => focusedText(page)).toBe('First boot of pi');
    await page.locator('[data-outcome="passed"]').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Back', exact: true }).click();
    await expect.poll(() => focusedText(page)).toBe('Start pi');
  });

  it('says a mistyped address or build host at the field, and starts nothing until it is fixed', async () => {
    const { page, bridge, dataDir } = session();
    await provisionPi(bridge.core, dataDir);
    await openPrepare('192.0.2.7 : 22', '/home/me/.ssh/id_pi');
    await page.getByLabel('Build host for deploys (optional)').fill('-oProxyCommand=evil');
    expect(await addressField(page).getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByText(/^An address is a host name or IP/).isVisible()).toBe(true);
    expect(await page.getByText(/^A build host is \[user@\]host/).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Start looking for pi' }).click();
    // The first wrong field takes focus; nothing was saved and no run started.
    expect(await addressField(page).evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    expect(bridge.core.tasks.list().filter((t) => t.kind === 'first-boot')).toEqual([]);
    expect(bridge.core.hosts.get('pi')?.access.buildHost).toBeNull();
    expect(await page.getByText(/bug in the app/).count()).toBe(0);
  });
});
