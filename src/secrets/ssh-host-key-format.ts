/** Building and serialising ed25519 host keys in the formats OpenSSH writes (PROTOCOL.key, RFC 4253). */
import { createHash, createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { sshString, sshUint32 } from './ssh-host-key-wire.js';

export interface Ed25519HostKey {
  seed: Buffer;
  publicKey: Buffer;
  comment: string;
  /** openssh-key-v1 text with LF line endings, as ssh-keygen writes it. */
  privateKeyText: string;
  /** `ssh-ed25519 AAAA… comment` */
  publicKeyLine: string;
  /** `SHA256:…` as `ssh-keygen -lf` prints it. */
  fingerprint: string;
}

export const ED25519_KEY_TYPE = 'ssh-ed25519';
export const OPENSSH_BEGIN = '-----BEGIN OPENSSH PRIVATE KEY-----';
export const OPENSSH_END = '-----END OPENSSH PRIVATE KEY-----';
export const OPENSSH_MAGIC = Buffer.from('openssh-key-v1\0', 'latin1');
// PKCS#8 prefix of an ed25519 private key (RFC 8410), followed by the 32-byte seed.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** `SHA256:` + unpadded base64 of SHA-256 over the key blob. */
export function fingerprintOfBlob(blob: Uint8Array): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

export function ed25519PublicKeyBlob(publicKey: Buffer): Buffer {
  return Buffer.concat([sshString(ED25519_KEY_TYPE), sshString(publicKey)]);
}

/** The public half of an ed25519 seed. */
export function ed25519PublicKeyOfSeed(seed: Buffer): Buffer {
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  return Buffer.from(jwk.x ?? '', 'base64url');
}

function wrap(base64: string, width: number): string {
  return base64.match(new RegExp(`.{1,${width}}`, 'g'))?.join('\n') ?? '';
}

/** Serialises a key as ssh-keygen does: cipher "none", one key, padded to 8 bytes, base64 wrapped at 70. */
function encodePrivateKey(seed: Buffer, publicKey: Buffer, comment: string, checkInt: number): string {
  const unpadded = Buffer.concat([
    sshUint32(checkInt),
    sshUint32(checkInt),
    sshString(ED25519_KEY_TYPE),
    sshString(publicKey),
    sshString(Buffer.concat([seed, publicKey])),
    sshString(comment),
  ]);
  const padding = Buffer.from(Array.from({ length: (8 - (unpadded.length % 8)) % 8 }, (_, i) => i + 1));
  const body = Buffer.concat([
    OPENSSH_MAGIC,
    sshString('none'), // cipher
    sshString('none'), // kdf
    sshString(''), // kdf options
    sshUint32(1),
    sshString(ed25519PublicKeyBlob(publicKey)),
    sshString(Buffer.concat([unpadded, padding])),
  ]);
  return `${OPENSSH_BEGIN}\n${wrap(body.toString('base64'), 70)}\n${OPENSSH_END}\n`;
}

/** The full host key record for a seed; `privateKeyText` defaults to a fresh ssh-keygen-style encoding. */
export function ed25519HostKeyFromSeed(
  seed: Buffer,
  comment: string,
  privateKeyText?: string,
): Ed25519HostKey {
  const publicKey = ed25519PublicKeyOfSeed(seed);
  const blob = ed25519PublicKeyBlob(publicKey);
  // ssh-keygen fills the check integers with random bytes; they only detect a wrong passphrase.
  const checkInt = randomBytes(4).readUInt32BE();
  return {
    seed,
    publicKey,
    comment,
    privateKeyText: privateKeyText ?? encodePrivateKey(seed, publicKey, comment, checkInt),
    publicKeyLine: `${ED25519_KEY_TYPE} ${blob.toString('base64')}${comment ? ` ${comment}` : ''}`,
    fingerprint: fingerprintOfBlob(blob),
  };
}
