import { describe, expect, it, vi } from 'vitest';
import { validateAccountName } from './keychain.js';
import { KeytarKeychain, PROBE_ACCOUNT, keychainBackendName, mapKeytarError } from './keytar-keychain.js';
import type { KeytarModule } from './keytar-keychain.js';

function fakeKeytar(store = new Map<string, string>()): KeytarModule {
  const key = (service: string, account: string) => `${service}\u0000${account}`;
  return {
    getPassword: async (s, a) => store.get(key(s, a)) ?? null,
    setPassword: async (s, a, p) => void store.set(key(s, a), p),
    deletePassword: async (s, a) => store.delete(key(s, a)),
    findCredentials: async (s) =>
      [...store]
        .filter(([k]) => k.startsWith(`${s}\u0000`))
        .map(([k, password]) => ({
          account: k.slice(s.length + 1),
          password,
        })),
  };
}

function failingKeytar(message: string): KeytarModule {
  const fail = async (): Promise<never> => {
    throw new Error(message);
  };
  return { getPassword: fail, setPassword: fail, deletePassword: fail, findCredentials: fail };
}

describe('mapKeytarError', () => {
  it.each([
    [
      'Cannot autolaunch D-Bus without X11 $DISPLAY',
      'keychain-unavailable',
      /desktop session|dbus-run-session/,
    ],
    ['Could not connect: No such file or directory', 'keychain-unavailable', /dbus-run-session/],
    [
      'The name org.freedesktop.secrets was not provided by any .service files',
      'keychain-unavailable',
      /gnome-keyring.*KeePassXC/,
    ],
    ['No such interface “org.freedesktop.Secret.Collection”', 'keychain-unavailable', /gnome-keyring/],
    ['Cannot create an item in a locked collection', 'keychain-unavailable', /Unlock the login keyring/],
    ['Prompt dismissed', 'keychain-unavailable', /Unlock the login keyring/],
    ['Something odd happened', 'keychain-failed', /Secret Service works/],
  ])('maps %j on Linux', (message, code, hint) => {
    const mapped = mapKeytarError(new Error(message), 'linux');
    expect(mapped.code).toBe(code);
    expect(mapped.hint).toMatch(hint);
    expect(mapped.message).toContain(message);
  });

  it('maps a locked macOS keychain to an unlock hint', () => {
    const mapped = mapKeytarError(new Error('User interaction is not allowed.'), 'darwin');
    expect(mapped).toMatchObject({
      code: 'keychain-unavailable',
      hint: expect.stringMatching(/unlock-keychain/),
    });
  });

  it('names the backend per platform', () => {
    expect(keychainBackendName('linux')).toBe('Secret Service');
    expect(keychainBackendName('darwin')).toBe('macOS Keychain');
    expect(keychainBackendName('win32')).toBe('Windows Credential Manager');
  });
});

describe('validateAccountName', () => {
  it.each([[''], ['x'.repeat(256)], ['tab\there'], ['nul\u0000'], ['del\u007f'], ['c1\u0085']])(
    'rejects %j',
    (account) =>
      expect(() => validateAccountName(account)).toThrow(
        expect.objectContaining({ code: 'invalid-request' }),
      ),
  );

  it.each([['a'], ['x'.repeat(255)], ['borg/rsync.net home'], ['Pâsswörd 🔑 密码']])(
    'accepts %j',
    (account) => expect(() => validateAccountName(account)).not.toThrow(),
  );
});

describe('KeytarKeychain', () => {
  it('validates before it even loads keytar', async () => {
    const loadKeytar = vi.fn(() => fakeKeytar());
    const keychain = new KeytarKeychain({ loadKeytar });
    await expect(keychain.set('bad\naccount', 's')).rejects.toMatchObject({ code: 'invalid-request' });
    await expect(keychain.set('ok', '')).rejects.toMatchObject({ code: 'invalid-request' });
    expect(loadKeytar).not.toHaveBeenCalled();
  });

  it('turns a broken native module into keychain-unavailable, not a crash', async () => {
    const keychain = new KeytarKeychain({
      platform: 'linux',
      loadKeytar: () => {
        throw new Error('libsecret-1.so.0: cannot open shared object file');
      },
    });
    await expect(keychain.get('a')).rejects.toMatchObject({
      code: 'keychain-unavailable',
      hint: expect.stringMatching(/libsecret/),
    });
    expect(await keychain.status()).toMatchObject({
      available: false,
      hint: expect.stringMatching(/libsecret/),
    });
  });

  it('lists account names only, hiding the status probe, under its own service', async () => {
    const store = new Map<string, string>();
    const keychain = new KeytarKeychain({ service: 'svc', loadKeytar: () => fakeKeytar(store) });
    const other = new KeytarKeychain({ service: 'other', loadKeytar: () => fakeKeytar(store) });
    await keychain.set('b', 'secret-b');
    await keychain.set('a', 'secret-a');
    await keychain.set(PROBE_ACCOUNT, 'leftover');
    await other.set('c', 'secret-c');
    expect(await keychain.list()).toEqual(['a', 'b']);
  });

  it('reports status from a real round trip and leaves no probe behind', async () => {
    const store = new Map<string, string>();
    const keychain = new KeytarKeychain({
      service: 'svc',
      platform: 'darwin',
      loadKeytar: () => fakeKeytar(store),
    });
    expect(await keychain.status()).toEqual({
      available: true,
      backend: 'macOS Keychain',
      message: 'The macOS Keychain is available.',
      hint: null,
    });
    expect(store.size).toBe(0);
  });

  it('reports an unavailable Secret Service in status and throws it from operations', async () => {
    const keychain = new KeytarKeychain({
      platform: 'linux',
      loadKeytar: () => failingKeytar('Cannot autolaunch D-Bus without X11 $DISPLAY'),
    });
    const status = await keychain.status();
    expect(status).toMatchObject({ available: false, backend: 'Secret Service' });
    expect(status.hint).toMatch(/desktop session/);
    await expect(keychain.list()).rejects.toMatchObject({ code: 'keychain-unavailable' });
  });
});
