import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CompanionApi } from '../../src/contract/index.js';
import { screenshotBothThemes, useAppSessions } from './harness.js';

const session = useAppSessions();

describe('the app frame against the real core', () => {
  it('lists the real tools of this machine on the Doctor page', async () => {
    const { page } = session();
    await page.getByRole('button', { name: 'Doctor', exact: true }).click();
    const debugfs = page.locator('tr[data-tool="debugfs"]');
    await expect.poll(() => debugfs.getAttribute('data-status'), { timeout: 15_000 }).toBe('ok');
    expect(await debugfs.locator('.tool-version').innerText()).toMatch(/^1\.\d+\.\d+/);
    expect(await page.locator('tr[data-tool="borg"]').getAttribute('data-status')).toBe('ok');
    expect(await page.locator('.doctor-summary').innerText()).toMatch(/\d+ of \d+ tools found/);
  });

  it('streams a task to a progress bar, cancels it from the UI, and keeps its log', async () => {
    const { page } = session();
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.getByLabel('Steps', { exact: true }).fill('400');
    await page.getByLabel('Milliseconds per step').fill('50');
    await page.getByRole('button', { name: 'Run self-test' }).click();
    await page.getByRole('button', { name: /^Tasks Self-test \(400 steps\)/ }).click();

    const bar = page.getByRole('progressbar', { name: /Self-test \(400 steps\) progress/ });
    await expect
      .poll(async () => Number(await bar.getAttribute('value')), { timeout: 10_000 })
      .toBeGreaterThan(3);
    expect(await bar.getAttribute('max')).toBe('400');
    await expect
      .poll(() => page.locator('.task-progress-text').first().innerText())
      .toMatch(/of 400 · [\d.]+ steps\/s · .*left/);

    await page.getByRole('button', { name: 'Cancel Self-test (400 steps)' }).click();
    const task = page.locator('.task').first();
    await expect.poll(() => task.getAttribute('data-state')).toBe('cancelled');
    const [snapshot] = session().bridge.core.tasks.list();
    expect(snapshot?.state).toBe('cancelled');
    expect(snapshot?.progress?.done).toBeLessThan(400);

    await page.getByRole('button', { name: 'Log of Self-test (400 steps)' }).click();
    const log = page.getByLabel('Log lines');
    await expect.poll(() => log.innerText()).toMatch(/\bCancelled\./);
    expect(await log.innerText()).not.toMatch(/Cancelled: Cancelled/);
    expect(await log.innerText()).toMatch(/Started: Self-test/);
  });

  it('shows the core’s error and hint for a malformed request', async () => {
    const { page } = session();
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.getByLabel('Steps', { exact: true }).fill('lots');
    await page.getByRole('button', { name: 'Run self-test' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Invalid request' });
    await expect.poll(() => alert.count()).toBe(1);
    expect(await alert.getAttribute('data-code')).toBe('invalid-request');
    expect(await alert.innerText()).toMatch(/steps: .*number/);
    expect(await alert.locator('.notice-hint').innerText()).not.toBe('');
    expect(session().bridge.core.tasks.list()).toEqual([]);
  });

  it('opens the login shell; what is typed runs in it, and its exit code shows', async () => {
    const { page } = session();
    await page.getByRole('button', { name: 'Terminal', exact: true }).click();
    await page.getByRole('button', { name: 'Open shell', exact: true }).click();
    const status = page.getByRole('status').filter({ hasText: /Exited|Running|Starting/ });
    await expect
      .poll(() => status.innerText(), { timeout: 10_000 })
      .toBe(`Running ${userInfo().shell}: type into the terminal below.`);
    // xterm.js paints on the next animation frame; the prompt showing means the shell reads its input.
    const rows = page.locator('.xterm-rows');
    await expect.poll(async () => (await rows.innerText()).trim(), { timeout: 10_000 }).not.toBe('');
    await page.locator('.xterm').click();
    await page.keyboard.type('echo "hello from e2e $((6 * 7))"');
    await page.keyboard.press('Enter');
    // Only the shell turns $((6 * 7)) into 42: the keystrokes ran in it.
    await expect.poll(() => rows.innerText()).toContain('hello from e2e 42');
    await screenshotBothThemes(page, 'terminal');
    await page.keyboard.type('exit 3');
    await page.keyboard.press('Enter');
    await expect.poll(() => status.innerText(), { timeout: 10_000 }).toBe('Exited with code 3.');

    await page.getByRole('button', { name: 'Open a new shell', exact: true }).click();
    await expect.poll(() => status.innerText(), { timeout: 10_000 }).toMatch(/^Running /);
    expect(await rows.innerText()).not.toContain('hello from e2e 42');
  });

  it('refuses a page that asks the terminal for a program of its own choosing', async () => {
    const { page, dataDir } = session();
    const marker = join(dataDir, 'renderer-ran-this');
    const result = await page.evaluate(
      (file) =>
        (globalThis as unknown as { companion: CompanionApi }).companion.terminal.start({
          file: '/bin/sh',
          args: ['-c', `touch ${file}`],
          env: { X: '1' },
          cols: 80,
          rows: 24,
        } as never),
      marker,
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    await new Promise((wait) => setTimeout(wait, 300));
    expect(existsSync(marker)).toBe(false);
  });

  it('is keyboard navigable: every sidebar entry is a focusable, named button', async () => {
    const { page } = session();
    const nav = page.getByRole('navigation', { name: 'Workflows' });
    const names = await nav.getByRole('button').allInnerTexts();
    expect(names).toEqual([
      'Provision',
      'Flash',
      'First boot',
      'Backups',
      'Restore',
      'Signing',
      'Terminal',
      'Doctor',
      'Settings',
    ]);
    await page.getByRole('button', { name: 'Provision' }).focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Flash');
    if (process.env.COMPANION_SCREENSHOT) {
      await page.getByRole('button', { name: 'Doctor', exact: true }).click();
      await page.locator('tr[data-tool="debugfs"][data-status="ok"]').waitFor();
      await screenshotBothThemes(page, 'doctor');
    }
  });
});
