import { BrowserWindow, Notification, app, nativeTheme, net, protocol } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createCore, type Core } from '../src/core.js';
import { appDataDir } from '../src/store/index.js';
import { APP_ENTRY_URL, APP_SCHEME, resolveAppAsset } from './app-origin.js';
import { electronDialogs } from './dialogs.js';
import { CONTENT_SECURITY_POLICY } from './csp.js';
import { mountRouter, trustWebContents } from './ipc/mount-router.js';
import { lockDownWebContents } from './lockdown.js';
import { mainWindowOptions } from './window-options.js';

// Bundled to dist/main/main.cjs; the renderer bundle sits beside it in dist/renderer.
const rendererDir = join(__dirname, '..', 'renderer');
const preloadPath = join(__dirname, 'preload.cjs');

protocol.registerSchemesAsPrivileged([
  {
    scheme: APP_SCHEME,
    privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true },
  },
]);
app.enableSandbox();
// Packaged, the templates the core reads (NixOS module…) sit in Electron's resources folder, outside the asar.
if (app.isPackaged) process.env.COMPANION_RESOURCES = join(process.resourcesPath, 'resources');
// Chromium's own data lives beside ours, so the CLI and the app share one folder.
app.setPath('userData', join(appDataDir(), 'electron'));
lockDownWebContents();

let core: Core | undefined;
let mainWindow: BrowserWindow | undefined;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow?.isMinimized()) mainWindow.restore();
    mainWindow?.focus();
  });
  app.whenReady().then(start, (error: unknown) => {
    console.error(error);
    app.exit(1);
  });
}

async function start(): Promise<void> {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppAsset(rendererDir, request.url);
    if (!file) return new Response('Not found', { status: 404 });
    const response = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    return new Response(response.body, { status: response.status, headers });
  });
  core = await createCore({ appVersion: app.getVersion(), dialogs: electronDialogs });
  mountRouter(core.router, core.events);
  followThemeSetting(core);
  notifyWhenTasksEnd(core);
  createMainWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createMainWindow();
  });
}

function createMainWindow(): void {
  const window = new BrowserWindow(mainWindowOptions(preloadPath));
  mainWindow = window;
  trustWebContents(window.webContents);
  window.once('ready-to-show', () => window.show());
  void window.loadURL(APP_ENTRY_URL);
}

function followThemeSetting(core: Core): void {
  nativeTheme.themeSource = core.settings.get().settings.theme;
  core.settings.onChange((settings) => {
    nativeTheme.themeSource = settings.theme;
  });
}

/** A long flash or backup usually ends while the user is elsewhere: tell them, with the outcome. */
function notifyWhenTasksEnd(core: Core): void {
  core.events.subscribe((event) => {
    if (event.type !== 'task.updated' || !Notification.isSupported() || mainWindow?.isFocused()) return;
    const { task } = event;
    if (task.state === 'running' || task.state === 'queued' || task.kind === 'self-test') return;
    const body = task.error ? `${task.error.message} ${task.error.hint}` : (task.outcome ?? 'Finished.');
    new Notification({ title: `${task.title}: ${task.state}`, body }).show();
  });
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

let disposed = false;
app.on('before-quit', (event) => {
  if (disposed || !core) return;
  // Hold the quit until running tasks have cancelled and cleaned up (temp images with secrets, terminals).
  event.preventDefault();
  disposed = true;
  void core.dispose().finally(() => app.quit());
});
