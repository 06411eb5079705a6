/**
 * ssh-to-age: an SSH ed25519 key as an age X25519 recipient/identity, computed the way
 * github.com/Mic92/ssh-to-age does, so the results match what NixOS hosts put in .sops.yaml.
 */
import { createHash } from 'node:crypto';
import { bech32 } from '@scure/base';
import { InvalidRequestError } from '../errors.js';
import { parsePublicKeyLine } from './ssh-host-key.js';

const P = 2n ** 255n - 19n;

function modPow(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let b = ((base % P) + P) % P;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % P;
    b = (b * b) % P;
  }
  return result;
}

const inverse = (value: bigint) => modPow(value, P - 2n);
const mod = (value: bigint) => ((value % P) + P) % P;
// Edwards curve constant d = -121665/121666.
const D = mod(-121665n * inverse(121666n));

function littleEndianToBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i] ?? 0);
  return value;
}

function bigIntToLittleEndian(value: bigint): Buffer {
  const out = Buffer.alloc(32);
  for (let i = 0, v = value; i < 32; i++, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

function notEd25519(what: string): InvalidRequestError {
  return new InvalidRequestError(
    `${what} is not a usable ed25519 public key, so it has no age (ssh-to-age) form.`,
    'Use the ssh-ed25519 public key line from the host (/etc/ssh/ssh_host_ed25519_key.pub).',
  );
}

/** The X25519 (Montgomery u) form of an ed25519 public key: u = (1 + y) / (1 - y) mod 2^255 - 19. */
export function ed25519PublicKeyToX25519(publicKey: Uint8Array): Buffer {
  if (publicKey.length !== 32) throw notEd25519(`A ${publicKey.length}-byte key`);
  const y = mod(littleEndianToBigInt(publicKey) & ((1n << 255n) - 1n));
  // The point must be on the curve (x² = (y² - 1) / (d·y² + 1) must be a square), as ssh-to-age checks.
  const xSquared = mod((y * y - 1n) * inverse(D * y * y + 1n));
  const legendre = modPow(xSquared, (P - 1n) / 2n);
  if (legendre !== 0n && legendre !== 1n) throw notEd25519('The key');
  if (y === 1n) throw notEd25519('The key (the identity point)');
  return bigIntToLittleEndian(mod((1n + y) * inverse(1n - y)));
}

/** `age1…` for an `ssh-ed25519 AAAA… comment` line or a raw 32-byte ed25519 public key. */
export function sshEd25519ToAgeRecipient(publicKeyLineOrBytes: string | Uint8Array): string {
  let publicKey: Uint8Array;
  if (typeof publicKeyLineOrBytes === 'string') {
    const parsed = parsePublicKeyLine(publicKeyLineOrBytes);
    if (!parsed.ed25519) throw notEd25519(`A ${parsed.keyType} key`);
    publicKey = parsed.ed25519;
  } else publicKey = publicKeyLineOrBytes;
  return bech32.encode('age', bech32.toWords(ed25519PublicKeyToX25519(publicKey)));
}

/** The age recipient of an SSH public key line; null for a key that is not ed25519 (only those have an age form). */
export function ageRecipientOfKeyLine(keyLine: string): string | null {
  return keyLine.startsWith('ssh-ed25519 ') ? sshEd25519ToAgeRecipient(keyLine) : null;
}

/**
 * `AGE-SECRET-KEY-1…` for an ed25519 private key seed: the first 32 bytes of SHA-512(seed), left
 * unclamped as ssh-to-age does (X25519 clamps when it uses the key; a clamping converter would give
 * a different string for the same key).
 */
export function sshEd25519ToAgeIdentity(seed: Uint8Array): string {
  if (seed.length !== 32) {
    throw new InvalidRequestError(
      `An ed25519 seed has 32 bytes, not ${seed.length}.`,
      'This is a bug in the caller.',
    );
  }
  const scalar = createHash('sha512').update(seed).digest().subarray(0, 32);
  return bech32.encode('age-secret-key-', bech32.toWords(scalar)).toUpperCase();
}
