import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CompanionError } from '../errors.js';
import { defaultAgeKeyFiles, loadAgeIdentities } from './age-identities.js';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/sops');
const FIXTURE_RECIPIENT = 'age1yt3tfqlfrwdwx0z0ynwplcr6qxcxfaqycuprpmy89nr83ltx74tqdpszlw';
const SSH_RECIPIENT = 'age1a8pk4akrdamj7nvqy3zywgtny8dxz7t5xzu7u8v9mhrayp9freqsqatyrs';

let home: string;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'age-ids-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<CompanionError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CompanionError);
  return error as CompanionError;
}

async function keysFile(file: string, ...keys: string[]): Promise<void> {
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, `# created: 2024-01-01\n# public key: whatever\n${keys.join('\n')}\n`);
}

describe('loadAgeIdentities', () => {
  it('reads --age-key (an age-keygen file) and says where from, not what', async () => {
    const file = join(FIXTURES, 'age-keys.txt');
    const loaded = await loadAgeIdentities({ ageKeyFile: file, env: {}, home });
    expect(loaded.source).toBe(`--age-key ${file}`);
    expect(loaded.identities.map((id) => id.recipient)).toEqual([FIXTURE_RECIPIENT]);
    const secret = loaded.identities[0]?.exposeSecretKey() ?? '';
    expect(secret).toMatch(/^AGE-SECRET-KEY-1/);
    expect(JSON.stringify(loaded)).not.toContain(secret);
    expect(inspect(loaded, { depth: 5 })).not.toContain(secret);
  });

  it('converts an OpenSSH ed25519 private key given as --age-key (ssh-to-age)', async () => {
    const loaded = await loadAgeIdentities({ ageKeyFile: join(FIXTURES, 'ssh-ed25519-key'), env: {}, home });
    expect(loaded.identities.map((id) => id.recipient)).toEqual([SSH_RECIPIENT]);
    expect(loaded.identities[0]?.origin).toMatch(/via ssh-to-age/);
  });

  it('uses only --age-key when given, even if the environment names other keys', async () => {
    const other = await generateX25519Identity();
    const loaded = await loadAgeIdentities({
      ageKeyFile: join(FIXTURES, 'age-keys.txt'),
      env: { SOPS_AGE_KEY: other },
      home,
    });
    expect(loaded.identities).toHaveLength(1);
  });

  it('collects $SOPS_AGE_KEY_FILE, $SOPS_AGE_KEY (several per line) and ~/.config/sops/age/keys.txt in that order', async () => {
    const [a, b, c, d] = await Promise.all([1, 2, 3, 4].map(() => generateX25519Identity()));
    const envFile = join(home, 'env-keys.txt');
    await keysFile(envFile, a ?? '');
    await keysFile(join(home, '.config/sops/age/keys.txt'), d ?? '', a ?? '');
    const loaded = await loadAgeIdentities({
      env: { SOPS_AGE_KEY_FILE: envFile, SOPS_AGE_KEY: `${b}  ${c}` },
      platform: 'linux',
      home,
    });
    const recipients = await Promise.all([a, b, c, d].map((key) => identityToRecipient(key ?? '')));
    expect(loaded.identities.map((id) => id.recipient)).toEqual(recipients);
    expect(loaded.source).toBe(
      `$SOPS_AGE_KEY_FILE (${envFile}), $SOPS_AGE_KEY, ${join(home, '.config/sops/age/keys.txt')}`,
    );
    expect(loaded.identities[3]?.origin).toBe(`line 3 of ${join(home, '.config/sops/age/keys.txt')}`);
  });

  it('looks in $XDG_CONFIG_HOME and, on macOS, in ~/Library/Application Support', async () => {
    expect(defaultAgeKeyFiles({ XDG_CONFIG_HOME: '/xdg' }, 'linux', '/h')).toEqual([
      '/xdg/sops/age/keys.txt',
      '/h/.config/sops/age/keys.txt',
    ]);
    expect(defaultAgeKeyFiles({}, 'darwin', '/h')).toEqual([
      '/h/.config/sops/age/keys.txt',
      '/h/Library/Application Support/sops/age/keys.txt',
    ]);
    const key = await generateX25519Identity();
    await keysFile(join(home, 'Library/Application Support/sops/age/keys.txt'), key);
    const loaded = await loadAgeIdentities({ env: {}, platform: 'darwin', home });
    expect(loaded.identities.map((id) => id.recipient)).toEqual([await identityToRecipient(key)]);
  });

  it('lists every place it looked when there is no identity', async () => {
    const error = await failure(
      loadAgeIdentities({ env: { SOPS_AGE_KEY_CMD: 'pass age' }, platform: 'linux', home }),
    );
    expect(error.code).toBe('age-identity-missing');
    expect(error.message).toContain('$SOPS_AGE_KEY_FILE (not set)');
    expect(error.message).toContain('$SOPS_AGE_KEY (not set)');
    expect(error.message).toContain(join(home, '.config/sops/age/keys.txt'));
    expect(error.message).toContain('$SOPS_AGE_KEY_CMD is set');
    expect(error.cliHint).toContain('--age-key');
    expect(error.hint).not.toContain('--');
  });

  it('skips age plugin identities, and says so when nothing else is left', async () => {
    const file = join(home, 'keys.txt');
    await keysFile(file, 'AGE-PLUGIN-YUBIKEY-1QQQQQQ');
    const error = await failure(loadAgeIdentities({ ageKeyFile: file, env: {}, home }));
    expect(error.code).toBe('age-identity-missing');
    expect(error.message).toContain('1 age plugin identity was skipped');
  });

  it('names the line of a malformed key without repeating it', async () => {
    const file = join(home, 'keys.txt');
    const broken = `${(await generateX25519Identity()).slice(0, -3)}QQQ`;
    await keysFile(file, broken);
    const error = await failure(loadAgeIdentities({ ageKeyFile: file, env: {}, home }));
    expect(error.code).toBe('age-identity-invalid');
    expect(error.message).toContain(`line 3 of ${file}`);
    expect(error.message).not.toContain(broken);

    await writeFile(file, 'not a key\n');
    const notKey = await failure(loadAgeIdentities({ ageKeyFile: file, env: {}, home }));
    expect(notKey.code).toBe('age-identity-invalid');
    expect(notKey.message).not.toContain('not a key');
  });

  it('says when --age-key or $SOPS_AGE_KEY_FILE points nowhere', async () => {
    const missing = join(home, 'missing.txt');
    const viaFlag = await failure(loadAgeIdentities({ ageKeyFile: missing, env: {}, home }));
    expect(viaFlag.code).toBe('age-identity-unreadable');
    expect(viaFlag.message).toContain('does not exist');
    const viaEnv = await failure(loadAgeIdentities({ env: { SOPS_AGE_KEY_FILE: missing }, home }));
    expect(viaEnv.code).toBe('age-identity-unreadable');
    expect(viaEnv.hint).toContain('$SOPS_AGE_KEY_FILE');
  });

  it('refuses a damaged SSH key as --age-key with the host-key message', async () => {
    const text = await readFile(join(FIXTURES, 'ssh-ed25519-key'), 'utf8');
    const file = join(home, 'id_ed25519');
    await writeFile(file, text.replace(/^(-----BEGIN OPENSSH PRIVATE KEY-----\n)b3Blbn/, '$1XXXXXX'));
    const error = await failure(loadAgeIdentities({ ageKeyFile: file, env: {}, home }));
    expect(error.code).toBe('invalid-request');
  });
});
