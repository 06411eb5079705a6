import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAgeIdentities } from '../../src/secrets/age-identities.js';
import { pinHostKey, readPinnedKeys } from '../../src/secrets/known-hosts.js';
import { decryptSopsFile } from '../../src/secrets/sops/decrypt-sops.js';
import { encryptForTest, macForTest } from '../fixtures/sops-encrypt.js';
import {
  fingerprintOfPublicKeyLine,
  generateEd25519HostKey,
  parseEd25519PrivateKey,
} from '../../src/secrets/ssh-host-key.js';
import { sshEd25519ToAgeIdentity, sshEd25519ToAgeRecipient } from '../../src/secrets/ssh-to-age.js';
import { findTool } from '../../src/tools/find-tool.js';
import { runToolOrThrow } from '../../src/tools/run-tool.js';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/sops');

let tmp: string;
let age: string;
let sshKeygen: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'sops-age-it-'));
  age = await findTool('age');
  sshKeygen = await findTool('ssh-keygen');
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function secretFile(name: string, text: string): Promise<string> {
  const file = join(tmp, name);
  await writeFile(file, text, { mode: 0o600 });
  await chmod(file, 0o600);
  return file;
}

/** `age -a -r <recipient>` of some bytes, via files so binary data never passes through a string. */
async function ageEncrypt(recipient: string, plain: Uint8Array): Promise<string> {
  const input = await secretFile(`plain-${randomBytes(4).toString('hex')}`, '');
  await writeFile(input, plain);
  const output = `${input}.age`;
  await runToolOrThrow(age, ['-a', '-r', recipient, '-o', output, input]);
  return readFile(output, 'utf8');
}

/** A small SOPS YAML file whose data key the real age CLI wrapped for `recipient`. */
async function sopsFileFor(recipient: string): Promise<string> {
  const dataKey = randomBytes(32);
  const enc = await ageEncrypt(recipient, dataKey);
  const lastModified = '2025-01-01T00:00:00Z';
  const yaml = [
    'wifi:',
    `    ssid: ${encryptForTest('home-net', 'str', dataKey, 'wifi:ssid:')}`,
    `    psk: ${encryptForTest('correct horse', 'str', dataKey, 'wifi:psk:')}`,
    'sops:',
    '    age:',
    `        - recipient: ${recipient}`,
    '          enc: |',
    ...enc
      .trimEnd()
      .split('\n')
      .map((line) => `            ${line}`),
    `    lastmodified: "${lastModified}"`,
    `    mac: ${macForTest(['home-net', 'correct horse'], dataKey, lastModified)}`,
    '    unencrypted_suffix: _unencrypted',
    '    version: 3.9.4',
    '',
  ].join('\n');
  return secretFile(`secrets-${randomBytes(4).toString('hex')}.yaml`, yaml);
}

describe('ssh-to-age against the real age CLI', () => {
  it('age encrypts to our derived recipient and decrypts with our derived identity', async () => {
    const key = generateEd25519HostKey('root@pi');
    const identityFile = await secretFile('derived-identity.txt', `${sshEd25519ToAgeIdentity(key.seed)}\n`);
    const encrypted = await secretFile(
      'msg.age',
      await ageEncrypt(sshEd25519ToAgeRecipient(key.publicKeyLine), Buffer.from('hello pi')),
    );
    const { stdout } = await runToolOrThrow(age, ['-d', '-i', identityFile, encrypted]);
    expect(stdout).toBe('hello pi');
  });

  it('we decrypt a SOPS file whose data key age wrapped for the host key, with the host key as --age-key', async () => {
    const key = generateEd25519HostKey('root@pi');
    const keyFile = await secretFile('ssh_host_ed25519_key', key.privateKeyText);
    const file = await sopsFileFor(sshEd25519ToAgeRecipient(key.publicKeyLine));
    const { identities } = await loadAgeIdentities({ ageKeyFile: keyFile, env: {}, home: tmp });
    const sops = await decryptSopsFile(file, identities);
    expect(sops.lookup('wifi.ssid')).toBe('home-net');
    expect(sops.lookup('wifi.psk')).toBe('correct horse');
  });

  it('we decrypt with an age-keygen identity what age encrypted to its public key', async () => {
    const keysFile = join(tmp, 'keys.txt');
    // age-keygen ships next to age in every package.
    const { stderr } = await runToolOrThrow(join(dirname(age), 'age-keygen'), ['-o', keysFile]);
    const publicKey = /Public key: (age1\S+)/.exec(stderr)?.[1] ?? '';
    const { identities } = await loadAgeIdentities({ ageKeyFile: keysFile, env: {}, home: tmp });
    expect(identities.map((id) => id.recipient)).toEqual([publicKey]);
    const sops = await decryptSopsFile(await sopsFileFor(publicKey), identities);
    expect(sops.lookup('wifi.psk')).toBe('correct horse');
  });
});

describe('host keys against the real ssh-keygen', () => {
  it('ssh-keygen -lf prints our fingerprint for our public key', async () => {
    const key = generateEd25519HostKey('root@pi');
    const pub = await secretFile('ours.pub', `${key.publicKeyLine}\n`);
    const { stdout } = await runToolOrThrow(sshKeygen, ['-lf', pub]);
    expect(stdout.trim()).toBe(`256 ${key.fingerprint} root@pi (ED25519)`);
  });

  it('ssh-keygen -y reads our private key file and prints our public key line', async () => {
    const key = generateEd25519HostKey('root@pi');
    const file = await secretFile('ours_ed25519', key.privateKeyText);
    const { stdout } = await runToolOrThrow(sshKeygen, ['-y', '-f', file]);
    expect(stdout.trim()).toBe(key.publicKeyLine);
  });

  it('ssh-keygen -lf of the fixture public key matches our fingerprint', async () => {
    const pubFile = join(FIXTURES, 'ssh-ed25519-key.pub');
    const { stdout } = await runToolOrThrow(sshKeygen, ['-lf', pubFile]);
    const ours = fingerprintOfPublicKeyLine(await readFile(pubFile, 'utf8'));
    expect(stdout.split(' ')[1]).toBe(ours);
    expect(
      parseEd25519PrivateKey(await readFile(join(FIXTURES, 'ssh-ed25519-key'), 'utf8')).fingerprint,
    ).toBe(ours);
  });

  it('parses what ssh-keygen writes, byte for byte, and refuses its passphrase and RSA keys', async () => {
    const plain = join(tmp, 'kg_ed25519');
    await runToolOrThrow(sshKeygen, ['-q', '-t', 'ed25519', '-N', '', '-C', 'made@keygen', '-f', plain]);
    const text = await readFile(plain, 'utf8');
    const key = parseEd25519PrivateKey(text);
    expect(key.privateKeyText).toBe(text);
    expect(key.publicKeyLine).toBe((await readFile(`${plain}.pub`, 'utf8')).trim());

    const locked = join(tmp, 'kg_locked');
    await runToolOrThrow(sshKeygen, ['-q', '-t', 'ed25519', '-N', 'secret words', '-f', locked]);
    const lockedText = await readFile(locked, 'utf8');
    expect(() => parseEd25519PrivateKey(lockedText)).toThrow(/protected by a passphrase \(aes256-ctr\)/);

    const rsa = join(tmp, 'kg_rsa');
    await runToolOrThrow(sshKeygen, ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-f', rsa]);
    const rsaText = await readFile(rsa, 'utf8');
    expect(() => parseEd25519PrivateKey(rsaText)).toThrow(/this one is an ssh-rsa key/);
  });

  it('ssh-keygen finds the keys we pin, and we find them after ssh-keygen -H hashed the file', async () => {
    const key = generateEd25519HostKey('root@pi');
    const file = join(tmp, 'ssh-dir', 'known_hosts');
    await pinHostKey({ file, hostNames: ['pi.local', '[pi.local]:2222'], publicKeyLine: key.publicKeyLine });
    const found = await runToolOrThrow(sshKeygen, ['-F', '[pi.local]:2222', '-f', file]);
    expect(found.stdout).toContain(key.publicKeyLine.split(' ').slice(0, 2).join(' '));
    await runToolOrThrow(sshKeygen, ['-H', '-f', file]);
    expect(await readFile(file, 'utf8')).not.toContain('pi.local');
    expect(await readPinnedKeys(file, 'pi.local')).toEqual([
      key.publicKeyLine.split(' ').slice(0, 2).join(' '),
    ]);
    // Pinning again replaces the hashed entries instead of adding a second key.
    const next = generateEd25519HostKey('root@pi');
    await pinHostKey({ file, hostNames: ['pi.local', '[pi.local]:2222'], publicKeyLine: next.publicKeyLine });
    expect(await readPinnedKeys(file, '[pi.local]:2222')).toEqual([
      next.publicKeyLine.split(' ').slice(0, 2).join(' '),
    ]);
  });
});
