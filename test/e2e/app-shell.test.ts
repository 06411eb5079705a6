/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { CompanionApi } from '../../src/contract/index.js';
import { screenshotBothThemes, useAppSessions } from './harness.js';

const session = useAppSessions();
const VIEWPORT_HEIGHT = 700;

/** Starts a self-test through the page's own bridge, as the Settings form does; returns its task id. */
async function startSelfTest(page: Page, options: { steps: number; stepMs: number; failAt?: number }) {
  const started = await page.evaluate(
    (request) =>
      (globalThis as unknown as { companion: CompanionApi }).companion.tasks.startSelfTest(request),
    options,
  );
  if (!started.ok) throw new Error(started.error.message);
  return started.value.id;
}

async function waitForState(id: string, state: string) {
  await expect
    .poll(
      () =>
        session()
          .bridge.core.tasks.list()
          .find((task) => task.id === id)?.state,
      { timeout: 10_000 },
    )
    .toBe(state);
}

const toggle = (page: Page) => page.locator('.dock-toggle');
const dock = (page: Page) => page.getByRole('complementary', { name: 'Tasks panel' });

describe('the app shell', () => {
  it('starts with the Tasks panel collapsed to one line that follows the running task', async () => {
    const { page } = session();
    expect(await toggle(page).getAttribute('aria-expanded')).toBe('false');
    await expect.poll(() => toggle(page).innerText()).toMatch(/No tasks running/);

    await startSelfTest(page, { steps: 400, stepMs: 50 });
    await expect.poll(() => toggle(page).innerText()).toMatch(/Self-test \(400 steps\) · \d+% · \d+ of 400/);
    const box = await dock(page).boundingBox();
    expect(box!.height).toBeLessThanOrEqual(45);
    expect(await page.locator('.task-list').count()).toBe(0);
  });

  it('remembers whether the Tasks panel was open across a reload', async () => {
    const { page } = session();
    await toggle(page).click();
    expect(await toggle(page).getAttribute('aria-expanded')).toBe('true');
    await page.reload();
    await expect.poll(() => toggle(page).getAttribute('aria-expanded')).toBe('true');
    await toggle(page).click();
    await page.reload();
    await expect.poll(() => toggle(page).getAttribute('aria-expanded')).toBe('false');
  });

  it('caps the open panel at a quarter of the window and scrolls inside it', async () => {
    const { page } = session();
    for (let n = 0; n < 6; n++)
      await waitForState(await startSelfTest(page, { steps: 1, stepMs: 1 }), 'succeeded');
    await startSelfTest(page, { steps: 400, stepMs: 50 });
    await toggle(page).click();
    await expect.poll(() => page.locator('.task').count()).toBe(7);
    const box = await dock(page).boundingBox();
    expect(box!.height).toBeLessThanOrEqual(VIEWPORT_HEIGHT * 0.26);
    const body = page.locator('.dock-body');
    expect(await body.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);
  });

  it('keeps a dismissed task dismissed after a reload, and the core keeps its history', async () => {
    const { page } = session();
    const first = await startSelfTest(page, { steps: 1, stepMs: 1 });
    await waitForState(first, 'succeeded');
    const second = await startSelfTest(page, { steps: 2, stepMs: 1 });
    await waitForState(second, 'succeeded');
    await toggle(page).click();
    await page.getByRole('button', { name: 'Dismiss Self-test (1 steps)' }).click();
    await expect.poll(() => page.locator(`[data-task-id="${first}"]`).count()).toBe(0);
    await page.reload();
    await expect.poll(() => page.locator(`[data-task-id="${second}"]`).count()).toBe(1);
    expect(await page.locator(`[data-task-id="${first}"]`).count()).toBe(0);

    await page.getByRole('button', { name: 'Clear finished' }).click();
    await expect.poll(() => page.locator('.task').count()).toBe(0);
    expect(await page.locator('.tasks-panel .empty').innerText()).toMatch(/dismissed/);
    expect(session().bridge.core.tasks.list()).toHaveLength(2);
  });

  it('shows a finished failure as one line, with its hint on demand', async () => {
    const { page } = session();
    const id = await startSelfTest(page, { steps: 5, stepMs: 5, failAt: 2 });
    await waitForState(id, 'failed');
    await toggle(page).click();
    const task = page.locator(`[data-task-id="${id}"]`);
    await task.waitFor();
    expect(await task.locator('.notice-error').count()).toBe(0);
    expect(await task.getByRole('alert').count()).toBe(0);
    expect((await task.boundingBox())!.height).toBeLessThan(70);
    const failure = task.locator('.task-failure');
    expect(await failure.locator('summary').innerText()).toBe('The self-test failed at step 2, as asked.');
    const hint = failure.locator('.task-failure-hint');
    expect(await hint.isVisible()).toBe(false);
    await failure.locator('summary').click();
    expect(await hint.isVisible()).toBe(true);
    expect(await hint.innerText()).toMatch(/without "fail at"/);
  });

  it('says a cancelled task was cancelled once, in the core’s words', async () => {
    const { page } = session();
    const id = await startSelfTest(page, { steps: 400, stepMs: 50 });
    await toggle(page).click();
    await page.getByRole('button', { name: 'Cancel Self-test (400 steps)' }).click();
    await waitForState(id, 'cancelled');
    const line = page.locator(`[data-task-id="${id}"] .task-outcome`);
    await expect.poll(() => line.innerText()).toMatch(/^Cancelled\./);
    expect(await line.innerText()).not.toMatch(/Cancelled.*Cancelled/);
  });

  it('leaves the page all but one line at 1024×700 with a running and a failed task', async () => {
    const { page } = session();
    await waitForState(await startSelfTest(page, { steps: 2, stepMs: 1, failAt: 1 }), 'failed');
    await startSelfTest(page, { steps: 400, stepMs: 50 });
    await page.getByLabel('Host name').fill('pi-garage');
    await page.getByLabel('Wi-Fi country').fill('de');
    await page.getByRole('button', { name: 'Save host and continue' }).click();
    const check = page.getByRole('button', { name: 'Check', exact: true });
    await check.waitFor();
    const dockBox = (await dock(page).boundingBox())!;
    expect(dockBox.height).toBeLessThanOrEqual(45);
    const content = (await page.locator('main.content').boundingBox())!;
    expect(content.y + content.height).toBeGreaterThanOrEqual(VIEWPORT_HEIGHT - 45);
    // The inputs form is taller than the window; its buttons stay in view above the panel without scrolling.
    const box = (await check.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(content.y);
    expect(box.y + box.height).toBeLessThanOrEqual(dockBox.y);
  });

  it('has a skip link as the first Tab stop that moves focus to the current page’s heading', async () => {
    const { page } = session();
    await page.getByRole('heading', { level: 1, name: 'Provision' }).waitFor();
    await page.keyboard.press('Tab');
    const focused = () => page.evaluate(() => document.activeElement?.textContent ?? '');
    expect(await focused()).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('page-title-provision');

    // Provision stays mounted, hidden, once Settings is open: the link must find the shown page's heading.
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.locator('.skip-link').focus();
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('page-title-settings');
  });

  it('scrolls an error notice into view and gives it focus when it appears', async () => {
    const { page } = session();
    await page.setViewportSize({ width: 1024, height: 480 });
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.getByLabel('Steps', { exact: true }).fill('lots');
    const run = page.getByRole('button', { name: 'Run self-test' });
    // The button at the very bottom of the visible area: the notice appears below the fold.
    await run.evaluate((el) => el.scrollIntoView({ block: 'end' }));
    await run.click();
    const alert = page.getByRole('alert').filter({ hasText: 'Invalid request' });
    await alert.waitFor();
    expect(await alert.evaluate((el) => el === document.activeElement)).toBe(true);
    const box = (await alert.boundingBox())!;
    const content = (await page.locator('main.content').boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(content.y);
    expect(box.y + box.height).toBeLessThanOrEqual(content.y + content.height + 1);
  });

  it('shows the open panel with a running and a failed task', async () => {
    const { page } = session();
    await waitForState(await startSelfTest(page, { steps: 3, stepMs: 5, failAt: 2 }), 'failed');
    await startSelfTest(page, { steps: 400, stepMs: 50 });
    await toggle(page).click();
    await expect.poll(() => page.locator('.task-progress-text').first().innerText()).toMatch(/left/);
    await screenshotBothThemes(page, 'tasks-panel');
    expect(await page.locator('.task').count()).toBe(2);
  });
});
