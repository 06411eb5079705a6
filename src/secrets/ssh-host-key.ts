/**
 * OpenSSH ed25519 host keys: parse the private key a user supplies, generate a new one in the format
 * ssh-keygen writes, and compute fingerprints as `ssh-keygen -l` prints them.
 */
import { generateKeyPairSync, timingSafeEqual } from 'node:crypto';
import { InvalidRequestError } from '../errors.js';
import {
  ED25519_KEY_TYPE,
  ed25519HostKeyFromSeed,
  fingerprintOfBlob,
  OPENSSH_BEGIN,
  OPENSSH_END,
  OPENSSH_MAGIC,
  type Ed25519HostKey,
} from './ssh-host-key-format.js';
import { SshReader } from './ssh-host-key-wire.js';

export { fingerprintOfBlob, type Ed25519HostKey } from './ssh-host-key-format.js';

export interface ParsedPublicKey {
  keyType: string;
  /** The wire-format key blob (what the base64 field holds). */
  blob: Buffer;
  comment: string;
  /** The 32-byte key for ssh-ed25519, else null. */
  ed25519: Buffer | null;
}

function badPublicKey(reason: string): InvalidRequestError {
  return new InvalidRequestError(
    `That is not an OpenSSH public key line (${reason}).`,
    'Use one line of the form "ssh-ed25519 AAAA… comment", e.g. the contents of /etc/ssh/ssh_host_ed25519_key.pub.',
  );
}

/** Parses `type base64 [comment]`; the blob must agree with the stated type. */
export function parsePublicKeyLine(line: string): ParsedPublicKey {
  const match = /^\s*(\S+)\s+([A-Za-z0-9+/]+={0,2})(?:\s+(.*?))?\s*$/.exec(line);
  if (!match) throw badPublicKey('expected "type base64 [comment]"');
  const [, keyType = '', base64 = '', comment = ''] = match;
  const blob = Buffer.from(base64, 'base64');
  let blobType: string;
  let ed25519: Buffer | null = null;
  try {
    const reader = new SshReader(blob);
    blobType = reader.text();
    if (blobType === ED25519_KEY_TYPE) {
      ed25519 = Buffer.from(reader.string());
      if (ed25519.length !== 32 || reader.remaining !== 0) throw new Error('bad length');
    }
  } catch {
    throw badPublicKey('the key data is damaged');
  }
  if (blobType !== keyType) throw badPublicKey(`it says ${keyType} but holds a ${blobType} key`);
  return { keyType, blob, comment, ed25519 };
}

/** The fingerprint `ssh-keygen -lf` prints for a public key line. */
export function fingerprintOfPublicKeyLine(line: string): string {
  return fingerprintOfBlob(parsePublicKeyLine(line).blob);
}

/** A fresh ed25519 host key, e.g. for a Pi image (`/etc/ssh/ssh_host_ed25519_key`). */
export function generateEd25519HostKey(comment: string): Ed25519HostKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d ?? '', 'base64url');
  return ed25519HostKeyFromSeed(seed, comment);
}

const REQUIREMENT =
  'The host key must be an unencrypted OpenSSH ed25519 private key (-----BEGIN OPENSSH PRIVATE KEY-----)';

function refuse(why: string, hint?: string): InvalidRequestError {
  return new InvalidRequestError(
    `${REQUIREMENT}; ${why}.`,
    hint ??
      'Use the file /etc/ssh/ssh_host_ed25519_key from the host (not the .pub), or let the app generate a new host key.',
  );
}

/** What a non-OpenSSH text looks like, for a precise refusal. */
function describeOtherKey(text: string): string {
  const pem = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(text)?.[1];
  if (pem === 'RSA PRIVATE KEY') return 'this is a PEM RSA key';
  if (pem === 'EC PRIVATE KEY') return 'this is a PEM ECDSA key';
  if (pem === 'ENCRYPTED PRIVATE KEY') return 'this is a passphrase-protected PKCS#8 key';
  if (pem) return `this is a PEM "${pem}" block, not an OpenSSH key`;
  if (/^\s*(ssh-|ecdsa-|sk-)\S+ AAAA/.test(text)) return 'this is a public key, not the private key';
  return 'this is not a key file';
}

/** Parses an unencrypted openssh-key-v1 ed25519 private key; refuses anything else with a reason. */
export function parseEd25519PrivateKey(text: string): Ed25519HostKey {
  const normalized = text.replace(/\r\n/g, '\n').trim();
  if (!normalized.startsWith(OPENSSH_BEGIN) || !normalized.endsWith(OPENSSH_END)) {
    throw refuse(describeOtherKey(normalized));
  }
  const base64 = normalized.slice(OPENSSH_BEGIN.length, -OPENSSH_END.length).replace(/\s+/g, '');
  const body = Buffer.from(base64, 'base64');
  try {
    const reader = new SshReader(body);
    if (!reader.bytes(OPENSSH_MAGIC.length).equals(OPENSSH_MAGIC)) throw new Error('bad magic');
    const cipher = reader.text();
    reader.string(); // kdf name
    reader.string(); // kdf options
    if (cipher !== 'none') {
      throw refuse(
        `this one is protected by a passphrase (${cipher})`,
        'Remove the passphrase on a copy (ssh-keygen -p -N "" -f <copy>), or let the app generate a new host key.',
      );
    }
    if (reader.uint32() !== 1) throw refuse('this file holds more than one key');
    reader.string(); // public key blob, checked below against the private section
    const secret = new SshReader(reader.string());
    if (secret.uint32() !== secret.uint32()) throw new Error('check integers differ');
    const keyType = secret.text();
    if (keyType !== ED25519_KEY_TYPE) {
      throw refuse(
        `this one is an ${keyType} key`,
        "Use the host's ed25519 key (/etc/ssh/ssh_host_ed25519_key), or let the app generate one.",
      );
    }
    const publicKey = secret.string();
    const pair = secret.string();
    const comment = secret.text();
    const padding = secret.rest();
    if (publicKey.length !== 32 || pair.length !== 64) throw new Error('bad key length');
    if (!padding.every((byte, i) => byte === i + 1)) throw new Error('bad padding');
    const key = ed25519HostKeyFromSeed(Buffer.from(pair.subarray(0, 32)), comment, `${normalized}\n`);
    // The stored public key must be the one the seed makes, or the file was tampered with.
    if (!timingSafeEqual(key.publicKey, publicKey) || !timingSafeEqual(key.publicKey, pair.subarray(32))) {
      throw new Error('public key does not match');
    }
    return key;
  } catch (error) {
    if (error instanceof InvalidRequestError) throw error;
    throw refuse(`this one is damaged (${error instanceof Error ? error.message : 'unreadable'})`);
  }
}
