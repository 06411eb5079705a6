import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { ScriptedDialogs } from '../helpers/scripted-dialogs.js';
import { MemoryKeychain } from '../helpers/memory-keychain.js';
import { defaultRendererDir, startBridge, type Bridge } from '../bridge/server.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// The flags Debian's Chromium needs on a closed, headless CI box (no sandbox as root, no phoning home).
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

let clientScript: Promise<string> | undefined;

/** The bridge client, bundled for the browser once per test file. */
function bridgeClientScript(): Promise<string> {
  clientScript ??= build({
    entryPoints: [join(import.meta.dirname, '..', 'bridge', 'client.ts')],
    bundle: true,
    format: 'iife',
    write: false,
    target: 'chrome120',
  }).then((result) => result.outputFiles[0]!.text);
  return clientScript;
}

export interface AppSession {
  page: Page;
  bridge: Bridge;
  dataDir: string;
  /** Answers the native file dialogs the page opens (Browse…). */
  dialogs: ScriptedDialogs;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(join(defaultRendererDir, 'index.html'))) {
    throw new Error('dist/renderer is missing: run `npm run build` (npm test does it for you).');
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Opens the production renderer against a fresh real core (its own data dir) through the bridge. */
export async function openApp(browser: Browser): Promise<AppSession> {
  const dataDir = await mkdtemp(join(tmpdir(), 'companion-e2e-'));
  // The keychain is not under test here (test/integration/keychain.test.ts runs the real one); a fake keeps E2E
  // independent of a D-Bus session.
  const dialogs = new ScriptedDialogs();
  const bridge = await startBridge({
    dialogs,
    dataDir,
    rendererDir: defaultRendererDir,
    keychain: new MemoryKeychain(),
  });
  const context = await browser.newContext({ viewport: { width: 1024, height: 700 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const wsUrl = bridge.url.replace('http://', 'ws://').replace('/index.html', '/bridge');
  await page.addInitScript(
    `window.__COMPANION_BRIDGE__ = ${JSON.stringify({ url: wsUrl, token: bridge.token })};`,
  );
  await page.addInitScript(await bridgeClientScript());
  await page.goto(bridge.url);
  return {
    page,
    bridge,
    dataDir,
    dialogs,
    async close() {
      await context.close();
      await bridge.close();
      await rm(dataDir, { recursive: true, force: true });
      if (errors.length) throw new Error(`The page threw: ${errors.join('; ')}`);
    },
  };
}

/** Per test file: one Chromium; per test: a fresh app (own data dir, own core). Returns the current session. */
export function useAppSessions(): () => AppSession {
  let browser: Browser | undefined;
  let app: AppSession | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(() => browser?.close());
  beforeEach(async () => {
    app = await openApp(browser!);
  });
  afterEach(() => app?.close());
  return () => app!;
}

/**
 * With COMPANION_SCREENSHOT set, saves `docs/<name>-light.png` and `docs/<name>-dark.png`: the app follows the
 * system theme, so each is taken with that colour scheme emulated.
 */
export async function screenshotBothThemes(page: Page, name: string, options: { fullPage?: boolean } = {}) {
  if (!process.env.COMPANION_SCREENSHOT) return;
  const docs = join(import.meta.dirname, '..', '..', 'docs');
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.screenshot({
      path: join(docs, `${name}-${colorScheme}.png`),
      fullPage: options.fullPage ?? false,
    });
  }
  await page.emulateMedia({ colorScheme: null });
}
