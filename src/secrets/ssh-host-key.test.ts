import { generateKeyPairSync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../errors.js';
import { OPENSSH_BEGIN, OPENSSH_END, OPENSSH_MAGIC } from './ssh-host-key-format.js';
import {
  fingerprintOfPublicKeyLine,
  generateEd25519HostKey,
  parseEd25519PrivateKey,
  parsePublicKeyLine,
} from './ssh-host-key.js';
import { sshString, sshUint32 } from './ssh-host-key-wire.js';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/sops');
// `ssh-keygen -lf ssh-ed25519-key.pub` prints this.
const FIXTURE_FINGERPRINT = 'SHA256:Na4VNhJQwiTr6kYtY9aUBVP1MIB1b9ju2XYQnMkXduo';

function refusal(text: string): InvalidRequestError {
  try {
    parseEd25519PrivateKey(text);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as Error).message).toMatch(
      /^The host key must be an unencrypted OpenSSH ed25519 private key/,
    );
    return error as InvalidRequestError;
  }
  throw new Error('expected a refusal');
}

/** An openssh-key-v1 file with arbitrary fields, to build the keys we must refuse. */
function opensshFile(cipher: string, secret: Buffer): string {
  const body = Buffer.concat([
    OPENSSH_MAGIC,
    sshString(cipher),
    sshString(cipher === 'none' ? 'none' : 'bcrypt'),
    sshString(''),
    sshUint32(1),
    sshString('unused'),
    sshString(secret),
  ]);
  return `${OPENSSH_BEGIN}\n${body.toString('base64')}\n${OPENSSH_END}\n`;
}

describe('parseEd25519PrivateKey', () => {
  it('reads the fixture key: public line and fingerprint match its .pub', async () => {
    const text = await readFile(join(FIXTURES, 'ssh-ed25519-key'), 'utf8');
    const pub = (await readFile(join(FIXTURES, 'ssh-ed25519-key.pub'), 'utf8')).trim();
    const key = parseEd25519PrivateKey(text);
    expect(key.publicKeyLine.split(' ').slice(0, 2).join(' ')).toBe(pub);
    expect(key.fingerprint).toBe(FIXTURE_FINGERPRINT);
    expect(fingerprintOfPublicKeyLine(pub)).toBe(FIXTURE_FINGERPRINT);
    expect(key.seed).toHaveLength(32);
    expect(key.privateKeyText).toBe(`${text.trim()}\n`);
  });

  it('round-trips a generated key', () => {
    const key = generateEd25519HostKey('root@pi');
    expect(key.privateKeyText).toMatch(
      /^-----BEGIN OPENSSH PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+\n-----END OPENSSH PRIVATE KEY-----\n$/,
    );
    expect(key.privateKeyText.split('\n').every((line) => line.length <= 70)).toBe(true);
    expect(key.publicKeyLine).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]+ root@pi$/);
    const parsed = parseEd25519PrivateKey(key.privateKeyText.replace(/\n/g, '\r\n'));
    expect(parsed).toEqual(key);
  });

  it('refuses a passphrase-protected key', () => {
    const error = refusal(opensshFile('aes256-ctr', Buffer.alloc(64)));
    expect(error.message).toContain('protected by a passphrase (aes256-ctr)');
    expect(error.hint).toContain('ssh-keygen -p');
  });

  it('refuses an OpenSSH RSA key', () => {
    const secret = Buffer.concat([sshUint32(7), sshUint32(7), sshString('ssh-rsa'), Buffer.alloc(40)]);
    expect(refusal(opensshFile('none', secret)).message).toContain('this one is an ssh-rsa key');
  });

  it('refuses PEM keys, public keys and garbage, saying which it got', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const pem = privateKey.export({ format: 'pem', type: 'pkcs1' }).toString();
    expect(refusal(pem).message).toContain('PEM RSA key');
    expect(refusal(generateEd25519HostKey('x').publicKeyLine).message).toContain(
      'public key, not the private key',
    );
    expect(refusal('hello').message).toContain('not a key file');
  });

  it('refuses a key whose public half does not match its seed', () => {
    const key = generateEd25519HostKey('x');
    const body = Buffer.from(key.privateKeyText.split('\n').slice(1, -2).join(''), 'base64');
    const at = body.lastIndexOf(key.publicKey);
    body[at] = (body[at] ?? 0) ^ 1;
    expect(refusal(`${OPENSSH_BEGIN}\n${body.toString('base64')}\n${OPENSSH_END}\n`).message).toContain(
      'damaged',
    );
  });
});

describe('parsePublicKeyLine', () => {
  it('splits type, blob and comment and checks they agree', () => {
    const key = generateEd25519HostKey('a comment with spaces');
    const parsed = parsePublicKeyLine(`  ${key.publicKeyLine}\n`);
    expect(parsed.keyType).toBe('ssh-ed25519');
    expect(parsed.comment).toBe('a comment with spaces');
    expect(parsed.ed25519).toEqual(key.publicKey);
    expect(() => parsePublicKeyLine(key.publicKeyLine.replace('ssh-ed25519', 'ssh-rsa'))).toThrow(
      /holds a ssh-ed25519/,
    );
    expect(() => parsePublicKeyLine('ssh-ed25519')).toThrow(InvalidRequestError);
  });
});
