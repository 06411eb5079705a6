import { describe, expect, it } from 'vitest';
import { KeychainUnavailableError } from '../../src/secrets/keychain.js';
import { MemoryKeychain } from './memory-keychain.js';

describe('MemoryKeychain', () => {
  it('stores, reads, overwrites, lists and deletes secrets', async () => {
    const keychain = new MemoryKeychain({ secrets: { 'borg/home': 'old' } });
    await keychain.set('borg/home', 'new');
    await keychain.set('android/upload', 'store-pass');
    expect(await keychain.get('borg/home')).toBe('new');
    expect(await keychain.list()).toEqual(['android/upload', 'borg/home']);
    expect(await keychain.delete('borg/home')).toBe(true);
    expect(await keychain.delete('borg/home')).toBe(false);
    expect(await keychain.get('borg/home')).toBeNull();
  });

  it('validates like the real keychain', async () => {
    const keychain = new MemoryKeychain();
    await expect(keychain.get('')).rejects.toMatchObject({ code: 'invalid-request' });
    await expect(keychain.set('a\nb', 'x')).rejects.toMatchObject({ code: 'invalid-request' });
    await expect(keychain.set('ok', '')).rejects.toMatchObject({ code: 'invalid-request' });
  });

  it('can play a machine without a keychain', async () => {
    const keychain = new MemoryKeychain({
      unavailable: { message: 'No Secret Service.', hint: 'Start gnome-keyring.' },
    });
    await expect(keychain.get('a')).rejects.toBeInstanceOf(KeychainUnavailableError);
    await expect(keychain.list()).rejects.toMatchObject({
      code: 'keychain-unavailable',
      hint: 'Start gnome-keyring.',
    });
    expect(await keychain.status()).toMatchObject({ available: false, hint: 'Start gnome-keyring.' });
    keychain.unavailable = undefined;
    expect(await keychain.status()).toMatchObject({ available: true, hint: null });
  });
});
