import type { ServerHostKeyAlgorithm } from 'ssh2';
import { fingerprintOfBlob, parsePublicKeyLine, SshReader } from '../../secrets/index.js';

/** A host key as the server presented it, in the forms OpenSSH shows (`ssh-keyscan`, `ssh-keygen -l`). */
export interface PresentedHostKey {
  /** `<type> <base64>`, without a comment. */
  keyLine: string;
  /** `SHA256:<base64 without padding>` */
  fingerprint: string;
}

/** The key type named inside a wire-format blob, e.g. `ssh-ed25519`. */
export function keyTypeOfBlob(blob: Buffer): string {
  try {
    return new SshReader(blob).text();
  } catch {
    return 'unknown';
  }
}

export function describePresentedKey(blob: Buffer): PresentedHostKey {
  return {
    keyLine: `${keyTypeOfBlob(blob)} ${blob.toString('base64')}`,
    fingerprint: fingerprintOfBlob(blob),
  };
}

/** The pinned key's blob and type; throws InvalidRequestError (from the parser) on a damaged line. */
export function pinnedKeyBlob(line: string): { keyType: string; blob: Buffer; fingerprint: string } {
  const { keyType, blob } = parsePublicKeyLine(line);
  return { keyType, blob, fingerprint: fingerprintOfBlob(blob) };
}

const SIMPLE_HOST_KEY_TYPES: readonly string[] = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
];

/**
 * The host key algorithms to offer for a pinned key type, so a server with several host keys presents the pinned
 * one instead of whichever ssh2 prefers (which would look like a mismatch). Undefined: ssh2's defaults.
 */
export function hostKeyAlgorithmsFor(keyType: string): ServerHostKeyAlgorithm[] | undefined {
  if (keyType === 'ssh-rsa') return ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  if (SIMPLE_HOST_KEY_TYPES.includes(keyType)) return [keyType as ServerHostKeyAlgorithm];
  return undefined;
}
