import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { armor, generateX25519Identity } from 'age-encryption';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgeIdentity } from '../age-identities-text.js';
import { loadAgeIdentities } from '../age-identities.js';
import { decryptSops, decryptSopsFile, sopsFormatOf } from './decrypt-sops.js';
import { SopsError } from './sops-error.js';

// The real sops-made files, read in place (never modified): test/fixtures/sops.
const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/sops');
const AGE_RECIPIENT = 'age1yt3tfqlfrwdwx0z0ynwplcr6qxcxfaqycuprpmy89nr83ltx74tqdpszlw';
const SSH_AGE_RECIPIENT = 'age1a8pk4akrdamj7nvqy3zywgtny8dxz7t5xzu7u8v9mhrayp9freqsqatyrs';

const fixture = (name: string) => readFile(join(FIXTURES, name), 'utf8');
const identitiesFrom = async (file: string) =>
  (await loadAgeIdentities({ ageKeyFile: join(FIXTURES, file), env: {} })).identities;
const strangerIdentity = async () => AgeIdentity.fromSecretKey(await generateX25519Identity(), 'a test key');

async function sopsError(promise: Promise<unknown>): Promise<SopsError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SopsError);
  return error as SopsError;
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'sops-test-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function tamperedCopy(name: string, edit: (text: string) => string): Promise<string> {
  const text = await fixture(name);
  const edited = edit(text);
  expect(edited).not.toBe(text);
  const file = join(tmp, `${Math.random().toString(36).slice(2)}-${name}`);
  await writeFile(file, edited);
  return file;
}

describe('decryptSopsFile with the real sops fixtures', () => {
  it('decrypts secrets.yaml with the age identity from age-keys.txt', async () => {
    const sops = await decryptSopsFile(join(FIXTURES, 'secrets.yaml'), await identitiesFrom('age-keys.txt'));
    expect(sops.format).toBe('yaml');
    expect(sops.openedBy).toBe(AGE_RECIPIENT);
    expect(sops.lookup('test_key')).toBe('test_value');
    expect(sops.lookup('a_list')).toEqual(expect.arrayContaining(['e1', 'e3']));
    expect(sops.lookup('a_list.1')).toBe('e3');
    expect(sops.lookup('nested.test.file')).toBe('another value');
    expect(sops.lookup('nested.test.missing')).toBeUndefined();
    expect(sops.keys()).toEqual(['test_key', 'a_list.0', 'a_list.1', 'nested.test.file']);
    expect(sops.tree).toEqual({
      test_key: 'test_value',
      a_list: ['e1', 'e3'],
      nested: { test: { file: 'another value' } },
    });
  });

  it('decrypts secrets.yaml with the identity converted from the SSH ed25519 key (ssh-to-age)', async () => {
    const identities = await identitiesFrom('ssh-ed25519-key');
    expect(identities.map((id) => id.recipient)).toEqual([SSH_AGE_RECIPIENT]);
    const sops = await decryptSopsFile(join(FIXTURES, 'secrets.yaml'), identities);
    expect(sops.openedBy).toBe(SSH_AGE_RECIPIENT);
    expect(sops.lookup('test_key')).toBe('test_value');
  });

  it('tries every identity given, in order', async () => {
    const identities = [await strangerIdentity(), ...(await identitiesFrom('age-keys.txt'))];
    const sops = await decryptSopsFile(join(FIXTURES, 'secrets.yaml'), identities);
    expect(sops.openedBy).toBe(AGE_RECIPIENT);
  });

  it('refuses a copy with one ciphertext character of a value changed (sops-mac-mismatch)', async () => {
    const file = await tamperedCopy('secrets.yaml', (t) =>
      t.replace('data:2mP+IAdczoEr0g==', 'data:3mP+IAdczoEr0g=='),
    );
    const error = await sopsError(decryptSopsFile(file, await identitiesFrom('age-keys.txt')));
    expect(error.code).toBe('sops-mac-mismatch');
    expect(error.message).toContain('was modified after it was encrypted');
    expect(error.message).toContain('test_key');
    expect(error.hint).toMatch(/version control/);
  });

  it('refuses a copy whose MAC was changed', async () => {
    const file = await tamperedCopy('secrets.yaml', (t) =>
      t.replace('mac: ENC[AES256_GCM,data:WQjp', 'mac: ENC[AES256_GCM,data:WQjq'),
    );
    const error = await sopsError(decryptSopsFile(file, await identitiesFrom('age-keys.txt')));
    expect(error.code).toBe('sops-mac-mismatch');
    expect(error.message).toContain('was modified after it was encrypted');
  });

  it('refuses a copy whose list items were swapped: each still decrypts, only the MAC notices', async () => {
    const file = await tamperedCopy('secrets.yaml', (text) => {
      const lines = text.split('\n');
      const [first, second] = [lines[2] ?? '', lines[3] ?? ''];
      lines[2] = second;
      lines[3] = first;
      return lines.join('\n');
    });
    const error = await sopsError(decryptSopsFile(file, await identitiesFrom('age-keys.txt')));
    expect(error.code).toBe('sops-mac-mismatch');
    expect(error.message).toMatch(/MAC does not match/);
  });

  it('says which recipients the file has and which were tried when no identity fits', async () => {
    const stranger = await strangerIdentity();
    const error = await sopsError(decryptSopsFile(join(FIXTURES, 'secrets.yaml'), [stranger]));
    expect(error.code).toBe('sops-no-matching-key');
    expect(error.message).toContain(AGE_RECIPIENT);
    expect(error.message).toContain(SSH_AGE_RECIPIENT);
    expect(error.message).toContain(`${stranger.recipient} (a test key)`);
    expect(error.hint).toMatch(/sops updatekeys/);
    expect(error.cliHint).toMatch(/--age-key/);
    expect(error.hint).not.toContain('--');
  });

  it('reports sops-no-matching-key also when there are no identities at all', async () => {
    const error = await sopsError(decryptSopsFile(join(FIXTURES, 'secrets.yaml'), []));
    expect(error.code).toBe('sops-no-matching-key');
    expect(error.message).toContain('Identities tried: none');
  });

  it.each([
    ['secrets.json', 'json'],
    ['secrets.env', 'dotenv'],
  ])('explains that %s is encrypted to PGP only (sops-unsupported-key-type)', async (name, format) => {
    const error = await sopsError(
      decryptSopsFile(join(FIXTURES, name), await identitiesFrom('age-keys.txt')),
    );
    expect(error.code).toBe('sops-unsupported-key-type');
    expect(error.message).toMatch(/no age recipients.*pgp/);
    expect(sopsFormatOf(name, await fixture(name))).toBe(format);
  });

  it('says when the file does not exist', async () => {
    const error = await sopsError(decryptSopsFile(join(tmp, 'nope.yaml'), []));
    expect(error.code).toBe('sops-file-unreadable');
    expect(error.message).toContain('does not exist');
  });
});

describe('decryptSops on files that are not (usable) sops files', () => {
  it.each([
    ['yaml', 'wifi:\n  ssid: home\n'],
    ['json', '{"wifi": {"ssid": "home"}}'],
    ['dotenv', 'WIFI_SSID=home\n'],
  ] as const)('refuses plain %s with sops-not-encrypted', async (format, text) => {
    const error = await sopsError(decryptSops(text, format, []));
    expect(error.code).toBe('sops-not-encrypted');
    expect(error.hint).toMatch(/sops/);
  });

  it('reports a parse error by position only (the file might be plaintext)', async () => {
    const error = await sopsError(decryptSops('a: [unclosed\npassword: hunter2\n', 'yaml', []));
    expect(error.code).toBe('sops-parse-failed');
    expect(error.message).not.toContain('hunter2');
  });

  it('says specifically when the file is encrypted to an SSH recipient (age ssh-ed25519 stanza)', async () => {
    const pub = (await fixture('ssh-ed25519-key.pub')).trim();
    const yaml = (await fixture('secrets.yaml')).replace(
      /age:\n[\s\S]*?(?=\n {4}lastmodified)/,
      `age:\n        - recipient: ${pub}\n          enc: |\n${indent(sshStanzaAgeFile(), 12)}`,
    );
    const error = await sopsError(decryptSops(yaml, 'yaml', await identitiesFrom('ssh-ed25519-key')));
    expect(error.code).toBe('sops-ssh-recipient-unsupported');
    expect(error.message).toContain('ssh-ed25519');
    expect(error.message).toContain('your SSH key');
    expect(error.hint).toMatch(/ssh-to-age/);
  });
});

describe('sopsFormatOf', () => {
  it('goes by the extension first, then sniffs', () => {
    expect(sopsFormatOf('a.YML', '{')).toBe('yaml');
    expect(sopsFormatOf('secrets', '{"a": 1}')).toBe('json');
    expect(sopsFormatOf('secrets', 'A=1\nsops_version=3.7.3\n')).toBe('dotenv');
    expect(sopsFormatOf('secrets', 'a: 1\nsops:\n  version: 3\n')).toBe('yaml');
  });
});

function indent(text: string, spaces: number): string {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => ' '.repeat(spaces) + line)
    .join('\n');
}

/** An age file whose only stanza is `ssh-ed25519` (as sops 3.10+ writes for ssh-… recipients). */
function sshStanzaAgeFile(): string {
  const b64 = (bytes: number) => Buffer.alloc(bytes, 7).toString('base64').replace(/=+$/, '');
  const header = `age-encryption.org/v1\n-> ssh-ed25519 ${b64(4)} ${b64(32)}\n${b64(32)}\n--- ${b64(32)}\n`;
  return armor.encode(Buffer.concat([Buffer.from(header), Buffer.alloc(16 + 32 + 16, 1)]));
}
