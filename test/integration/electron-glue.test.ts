import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The Electron binary cannot be downloaded here, so this loads the real bundles (dist/main/*.cjs) against a
 * recording stand-in for the `electron` module. It proves the glue wires the real core: protocol, window options,
 * sender checks and the preload's verbs.
 */
const root = join(import.meta.dirname, '..', '..');
const mainBundle = join(root, 'dist', 'main', 'main.cjs');
const preloadBundle = join(root, 'dist', 'main', 'preload.cjs');

type Handler = (...args: unknown[]) => unknown;

function fakeElectron() {
  const calls = {
    schemes: [] as unknown[],
    protocolHandlers: new Map<string, Handler>(),
    ipcHandlers: new Map<string, Handler>(),
    windows: [] as { options: Record<string, unknown>; url?: string; webContents: Record<string, unknown> }[],
    exposed: new Map<string, unknown>(),
    invoked: [] as unknown[][],
    sandbox: false,
    fetched: [] as string[],
  };
  let ready: () => void = () => undefined;
  const whenReady = new Promise<void>((resolve) => (ready = resolve));
  class BrowserWindow {
    static getAllWindows = () => calls.windows;
    webContents: Record<string, unknown>;
    constructor(readonly options: Record<string, unknown>) {
      const mainFrame = { url: 'app://companion/index.html' };
      this.webContents = {
        id: 7,
        mainFrame,
        once: () => undefined,
        isDestroyed: () => false,
        send: () => undefined,
      };
      calls.windows.push(this as never);
    }
    once() {}
    loadURL(url: string) {
      (this as unknown as { url: string }).url = url;
      return Promise.resolve();
    }
  }
  const electron = {
    app: {
      enableSandbox: () => (calls.sandbox = true),
      setPath: () => undefined,
      requestSingleInstanceLock: () => true,
      on: () => undefined,
      whenReady: () => whenReady,
      getVersion: () => '9.9.9',
      isPackaged: false,
      quit: () => undefined,
      exit: () => undefined,
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => calls.schemes.push(...schemes),
      handle: (scheme: string, handler: Handler) => calls.protocolHandlers.set(scheme, handler),
    },
    ipcMain: { handle: (channel: string, handler: Handler) => calls.ipcHandlers.set(channel, handler) },
    ipcRenderer: {
      invoke: (...args: unknown[]) => (calls.invoked.push(args), Promise.resolve({ ok: true, value: null })),
      on: () => undefined,
      off: () => undefined,
    },
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => calls.exposed.set(key, api) },
    session: {
      defaultSession: {
        setPermissionRequestHandler: () => undefined,
        setPermissionCheckHandler: () => undefined,
      },
    },
    nativeTheme: { themeSource: 'system' },
    Notification: { isSupported: () => false },
    shell: { openExternal: () => undefined },
    net: { fetch: (url: string) => (calls.fetched.push(url), Promise.resolve(new Response('x'))) },
    BrowserWindow,
  };
  return { electron, calls, ready };
}

function loadWithElectron(bundle: string, electron: unknown): void {
  const original = (Module as unknown as { _load: Handler })._load;
  (Module as unknown as { _load: Handler })._load = function (request: unknown, ...rest: unknown[]) {
    return request === 'electron' ? electron : original.call(this, request, ...rest);
  };
  try {
    createRequire(import.meta.url)(bundle);
  } finally {
    (Module as unknown as { _load: Handler })._load = original;
  }
}

let home: string;
beforeAll(async () => {
  if (!existsSync(mainBundle))
    throw new Error('dist/main is missing: run `npm run build` (npm test does it).');
  home = await mkdtemp(join(tmpdir(), 'companion-glue-'));
  process.env.COMPANION_HOME = home;
});
afterAll(async () => {
  delete process.env.COMPANION_HOME;
  await rm(home, { recursive: true, force: true });
});

describe('Electron main bundle', () => {
  it('registers the app scheme, sandboxes, opens the locked-down window and routes trusted IPC to the core', async () => {
    const { electron, calls, ready } = fakeElectron();
    loadWithElectron(mainBundle, electron);
    expect(calls.sandbox).toBe(true);
    expect(calls.schemes).toEqual([
      expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ secure: true }) }),
    ]);
    ready();
    await expect.poll(() => calls.windows.length).toBe(1);
    const window = calls.windows[0]!;
    expect(window.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    });
    expect(String((window.options.webPreferences as { preload: string }).preload)).toMatch(/preload\.cjs$/);
    expect((window as unknown as { url: string }).url).toBe('app://companion/index.html');

    const invoke = calls.ipcHandlers.get('companion:invoke')!;
    const trusted = { sender: window.webContents, senderFrame: window.webContents.mainFrame };
    const info = (await invoke(trusted, 'app.info', {})) as {
      ok: boolean;
      value: { version: string; dataDir: string };
    };
    expect(info).toMatchObject({ ok: true, value: { version: '9.9.9', dataDir: home } });

    const otherFrame = { sender: window.webContents, senderFrame: { url: 'app://companion/index.html' } };
    expect(await invoke(otherFrame, 'app.info', {})).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    const stranger = { sender: { id: 99, mainFrame: null }, senderFrame: null };
    expect(await invoke(stranger, 'app.info', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await invoke(trusted, 'tasks.cancel', { id: 42 })).toMatchObject({
      ok: false,
      error: { code: 'invalid-request' },
    });

    const serve = calls.protocolHandlers.get('app')!;
    const page = (await serve({ url: 'app://companion/index.html' })) as Response;
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(calls.fetched).toEqual([`file://${join(root, 'dist', 'renderer', 'index.html')}`]);
    expect(((await serve({ url: 'app://elsewhere/index.html' })) as Response).status).toBe(404);
    expect(calls.fetched).toHaveLength(1);
  });
});

describe('preload bundle', () => {
  it('exposes only window.companion, with verbs that call the single invoke channel', async () => {
    const { electron, calls } = fakeElectron();
    loadWithElectron(preloadBundle, electron);
    expect([...calls.exposed.keys()]).toEqual(['companion']);
    const api = calls.exposed.get('companion') as {
      tasks: { cancel: Handler };
      events: { subscribe: Handler };
    };
    await api.tasks.cancel({ id: 't-1' });
    expect(calls.invoked).toEqual([['companion:invoke', 'tasks.cancel', { id: 't-1' }]]);
    expect(typeof api.events.subscribe(() => undefined)).toBe('function');
    expect(Object.keys(api)).not.toContain('invoke');
  });
});
