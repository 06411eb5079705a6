import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bech32 } from '@scure/base';
import { identityToRecipient } from 'age-encryption';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../errors.js';
import { parseEd25519PrivateKey } from './ssh-host-key.js';
import { ed25519PublicKeyToX25519, sshEd25519ToAgeIdentity, sshEd25519ToAgeRecipient } from './ssh-to-age.js';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/sops');

describe('sshEd25519ToAgeRecipient', () => {
  it.each([
    [
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOHz+U0YtjINc54dZiJNclfmEFifF7RXCFlNlTbuZBji',
      'age17044m9wgakla6pzftf4srtl3h5mcsr85jysgt5fg23zpnta8sfdqhzn452',
    ],
    [
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAID+Wi8WZw2bXfBpcs/WECttCzP39OkenS6pHWHWGFJvN',
      'age1csmf6palnf8uaa6rrun229d85lz5s8lygpegpd530swfck76k43snrhyf9',
    ],
  ])('matches the ssh-to-age vector for %s', (line, recipient) => {
    expect(sshEd25519ToAgeRecipient(line)).toBe(recipient);
    expect(sshEd25519ToAgeRecipient(`${line} someone@example`)).toBe(recipient);
  });

  it('converts the fixture key to a recipient listed in secrets.yaml', async () => {
    const recipient = sshEd25519ToAgeRecipient(await readFile(join(FIXTURES, 'ssh-ed25519-key.pub'), 'utf8'));
    expect(recipient).toBe('age1a8pk4akrdamj7nvqy3zywgtny8dxz7t5xzu7u8v9mhrayp9freqsqatyrs');
    expect(await readFile(join(FIXTURES, 'secrets.yaml'), 'utf8')).toContain(`- recipient: ${recipient}`);
  });

  it('accepts the raw 32-byte key', async () => {
    const key = parseEd25519PrivateKey(await readFile(join(FIXTURES, 'ssh-ed25519-key'), 'utf8'));
    expect(sshEd25519ToAgeRecipient(key.publicKey)).toBe(sshEd25519ToAgeRecipient(key.publicKeyLine));
  });

  it('refuses keys that are not ed25519 points', () => {
    expect(() => sshEd25519ToAgeRecipient(Buffer.alloc(31))).toThrow(InvalidRequestError);
    // y = 1 is the identity point: (1 - y) has no inverse.
    expect(() => ed25519PublicKeyToX25519(Buffer.from([1, ...Array<number>(31).fill(0)]))).toThrow(
      /identity/,
    );
    // y = 2 is not on the curve.
    expect(() => ed25519PublicKeyToX25519(Buffer.from([2, ...Array<number>(31).fill(0)]))).toThrow(
      InvalidRequestError,
    );
    const rsa = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC7';
    expect(() => sshEd25519ToAgeRecipient(rsa)).toThrow(InvalidRequestError);
  });
});

describe('sshEd25519ToAgeIdentity', () => {
  it('gives the identity of the same key’s recipient', async () => {
    const key = parseEd25519PrivateKey(await readFile(join(FIXTURES, 'ssh-ed25519-key'), 'utf8'));
    const identity = sshEd25519ToAgeIdentity(key.seed);
    expect(identity).toMatch(/^AGE-SECRET-KEY-1[0-9A-Z]{58}$/);
    expect(await identityToRecipient(identity)).toBe(sshEd25519ToAgeRecipient(key.publicKeyLine));
  });

  it('keeps SHA-512(seed)[0..32] unclamped, as ssh-to-age does', () => {
    // A seed whose scalar has clamped bits set, so clamping would change the string.
    let seed = Buffer.alloc(32);
    let scalar = Buffer.alloc(0);
    for (let i = 0; ; i++) {
      seed = Buffer.alloc(32, i);
      scalar = createHash('sha512').update(seed).digest().subarray(0, 32);
      if ((scalar[0] ?? 0) & 7) break;
    }
    const decoded = bech32.decode(sshEd25519ToAgeIdentity(seed).toLowerCase() as `${string}1${string}`);
    expect(decoded.prefix).toBe('age-secret-key-');
    expect(Buffer.from(bech32.fromWords(decoded.words))).toEqual(scalar);
  });
});
