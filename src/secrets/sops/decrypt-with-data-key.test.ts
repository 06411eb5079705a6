import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decryptSopsWithDataKey } from './decrypt-sops.js';
import { SopsError } from './sops-error.js';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/sops');

/*
 * secrets.json and secrets.env are encrypted to PGP keys only, so no age identity opens them. Their
 * data keys were recovered once with the PGP test key of the same sops-nix test assets
 * (pkgs/sops-install-secrets/test-assets/key.asc: gpg -d of sops.pgp[0].enc). Public test data, not
 * a secret. With them these real sops files pin our JSON and dotenv stores and their MACs to sops.
 */
const JSON_DATA_KEY = Buffer.from('f7820264ffb2476c375f41af3f6fc4b6ed53775ee4338a73dbfd09f0c15c3b80', 'hex');
const DOTENV_DATA_KEY = Buffer.from(
  'd47a66aa0fc88f3a593ea2640ff1f7608f80e134bb40ed668555c936f1dd8e19',
  'hex',
);

const fixture = (name: string) => readFile(join(FIXTURES, name), 'utf8');

function errorOf(run: () => unknown): SopsError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SopsError);
    return error as SopsError;
  }
  throw new Error('expected a SopsError');
}

describe('decryptSopsWithDataKey on the real JSON and dotenv stores', () => {
  it('decrypts secrets.json and verifies its MAC', async () => {
    const sops = decryptSopsWithDataKey(await fixture('secrets.json'), 'json', JSON_DATA_KEY);
    expect(sops.lookup('test_key')).toBe('test_value');
    expect(sops.keys()).toEqual(['test_key']);
    expect(sops.tree).toEqual({ test_key: 'test_value' });
  });

  it('decrypts secrets.env (flattened sops_* metadata, encrypted comment, \\n escapes) and verifies its MAC', async () => {
    const sops = decryptSopsWithDataKey(await fixture('secrets.env'), 'dotenv', DOTENV_DATA_KEY);
    expect(sops.keys()).toEqual(['hello', 'example_key', 'example_multiline', 'never_gonna']);
    expect(sops.lookup('example_key')).toBe('example_value');
    expect(sops.lookup('example_multiline')).toBe('foo\nbar\nbaz');
    expect(sops.lookup('never_gonna')).toBe('give you up');
  });

  it('refuses a tampered dotenv value', async () => {
    const text = (await fixture('secrets.env')).replace(
      'example_key=ENC[AES256_GCM,data:C',
      'example_key=ENC[AES256_GCM,data:D',
    );
    const error = errorOf(() => decryptSopsWithDataKey(text, 'dotenv', DOTENV_DATA_KEY, 'secrets.env'));
    expect(error.code).toBe('sops-mac-mismatch');
    expect(error.message).toContain('secrets.env was modified after it was encrypted');
  });

  it('refuses a dotenv file with a line dropped (every remaining value still decrypts)', async () => {
    const text = (await fixture('secrets.env')).replace(/^never_gonna=.*\n/m, '');
    const error = errorOf(() => decryptSopsWithDataKey(text, 'dotenv', DOTENV_DATA_KEY));
    expect(error.code).toBe('sops-mac-mismatch');
  });

  it('refuses a JSON value moved to another key (the key path is authenticated)', async () => {
    const text = (await fixture('secrets.json')).replace('"test_key"', '"other_key"');
    const error = errorOf(() => decryptSopsWithDataKey(text, 'json', JSON_DATA_KEY));
    expect(error.code).toBe('sops-mac-mismatch');
    expect(error.message).toContain('other_key');
  });
});
