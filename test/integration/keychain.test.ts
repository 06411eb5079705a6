import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeytarKeychain } from '../../src/secrets/keytar-keychain.js';
import { APP_ID } from '../../src/store/app-paths.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const isLinux = process.platform === 'linux';
// Our own service name: on a developer's desktop this runs against the real login keyring, next to the app's secrets.
const keychain = new KeytarKeychain({ service: `${APP_ID}.integration-test-${process.pid}` });

beforeAll(() => {
  if (isLinux && !process.env.DBUS_SESSION_BUS_ADDRESS) {
    throw new Error(
      'No D-Bus session bus, so no Secret Service. Run the keychain integration tests through the keyring wrapper: ' +
        'bash scripts/with-keyring.sh npx vitest run --project integration test/integration/keychain.test.ts',
    );
  }
});

afterAll(async () => {
  for (const account of await keychain.list().catch(() => [])) await keychain.delete(account);
});

describe('KeytarKeychain against the real OS keychain', () => {
  it('is available and leaves no probe behind', async () => {
    const status = await keychain.status();
    expect(status).toMatchObject({ available: true, hint: null });
    if (isLinux) expect(status.backend).toBe('Secret Service');
    expect(await keychain.list()).toEqual([]);
  });

  it('sets, gets, lists and deletes', async () => {
    await keychain.set('borg/home', 'correct horse battery staple');
    await keychain.set('android/upload', 'store-pass');
    expect(await keychain.get('borg/home')).toBe('correct horse battery staple');
    expect(await keychain.list()).toEqual(['android/upload', 'borg/home']);
    expect(await keychain.delete('borg/home')).toBe(true);
    expect(await keychain.delete('android/upload')).toBe(true);
    expect(await keychain.get('borg/home')).toBeNull();
    expect(await keychain.list()).toEqual([]);
  });

  it('overwrites an existing secret instead of adding a second one', async () => {
    await keychain.set('overwrite', 'first');
    await keychain.set('overwrite', 'second');
    expect(await keychain.get('overwrite')).toBe('second');
    expect(await keychain.list()).toEqual(['overwrite']);
    expect(await keychain.delete('overwrite')).toBe(true);
  });

  it('round-trips unicode account names and secrets', async () => {
    const account = 'Schlüssel 🔑 密钥';
    await keychain.set(account, 'Pâsswörd 🔑 密码');
    expect(await keychain.get(account)).toBe('Pâsswörd 🔑 密码');
    expect(await keychain.list()).toEqual([account]);
    expect(await keychain.delete(account)).toBe(true);
  });

  it('round-trips a 4 KiB secret byte-exact', async () => {
    const tail = '\nü🔑密\n';
    const body = `-----BEGIN KEY-----\n${randomBytes(4096)
      .toString('base64')
      .replace(/(.{64})/g, '$1\n')}`;
    const secret = body.slice(0, 4096 - Buffer.byteLength(tail)) + tail;
    expect(Buffer.byteLength(secret)).toBe(4096);
    await keychain.set('big', secret);
    const read = await keychain.get('big');
    expect(Buffer.from(read ?? '').equals(Buffer.from(secret))).toBe(true);
    expect(await keychain.delete('big')).toBe(true);
  });

  it('answers null for a missing account and false for deleting it', async () => {
    expect(await keychain.get('never-stored')).toBeNull();
    expect(await keychain.delete('never-stored')).toBe(false);
  });
});

// libsecret keeps its bus connection for the life of the process, so "no D-Bus" is tested in a fresh child process.
describe.runIf(isLinux)('without a D-Bus session', () => {
  let dir = '';
  let childScript = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'companion-keychain-'));
    childScript = join(dir, 'child.mjs');
    const entry = `
      import { KeytarKeychain } from './src/secrets/keytar-keychain.ts';
      const keychain = new KeytarKeychain({ service: 'companion-no-dbus-test' });
      const status = await keychain.status();
      const error = await keychain.set('account', 'secret').then(() => null, (e) => ({ code: e.code, hint: e.hint }));
      console.log(JSON.stringify({ status, error }));`;
    const bundle = await build({
      stdin: { contents: entry, resolveDir: repoRoot, loader: 'ts' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      // The store's face brings CommonJS packages that require Node built-ins, which an ESM bundle must be given.
      banner: {
        js: "import { createRequire as bannerRequire } from 'node:module'; const require = bannerRequire(import.meta.url);",
      },
      write: false,
      logLevel: 'silent',
    });
    await writeFile(childScript, bundle.outputFiles[0]?.text ?? '');
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['a dead bus address', { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' }],
    ['no bus address and no $DISPLAY', {}],
  ])('reports keychain-unavailable with a hint for %s', async (_name, busEnv) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_PATH: join(repoRoot, 'node_modules'), ...busEnv };
    if (!('DBUS_SESSION_BUS_ADDRESS' in busEnv)) delete env.DBUS_SESSION_BUS_ADDRESS;
    // GDBus also finds a bus at $XDG_RUNTIME_DIR/bus, and autolaunches one with a $DISPLAY.
    delete env.DISPLAY;
    delete env.XDG_RUNTIME_DIR;
    const { stdout } = await promisify(execFile)(process.execPath, [childScript], { env, timeout: 30_000 });
    const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
    expect(result.error).toMatchObject({
      code: 'keychain-unavailable',
      hint: expect.stringMatching(/dbus-run-session/),
    });
    expect(result.status).toMatchObject({ available: false, backend: 'Secret Service' });
    expect(result.status.hint).toMatch(/desktop session/);
  });
});
