import type { KeychainStatus } from '../contract/index.js';
import { CompanionError, InvalidRequestError } from '../errors.js';

/** The OS keychain, seen as one service holding named secrets (SSH passphrases, borg keys, keystore passwords). */
export interface Keychain {
  /** The secret stored under `account`, or null when there is none. */
  get(account: string): Promise<string | null>;
  /** Stores (or replaces) the secret under `account`. */
  set(account: string, secret: string): Promise<void>;
  /** Removes the secret; false when there was none. */
  delete(account: string): Promise<boolean>;
  /** The account names that hold a secret, sorted; never the secrets themselves. */
  list(): Promise<string[]>;
  /** Whether the keychain works right now, checked with a real round trip; never throws. */
  status(): Promise<KeychainStatus>;
}

/** The keychain cannot be used at all (no Secret Service, locked, native module broken); never fall back to plaintext. */
export class KeychainUnavailableError extends CompanionError {
  declare readonly code: 'keychain-unavailable';

  constructor(message: string, hint: string, options?: { cause?: unknown }) {
    super('keychain-unavailable', message, hint, options);
  }
}

/** The keychain is there but refused this one operation. */
export class KeychainError extends CompanionError {
  constructor(message: string, hint: string, options?: { cause?: unknown }) {
    super('keychain-failed', message, hint, options);
  }
}

const MAX_ACCOUNT_LENGTH = 255;
// C0, DEL and C1: they break keychain UIs (Seahorse, Keychain Access) and log lines.
const hasControlChars = (text: string) =>
  [...text].some((char) => {
    const code = char.codePointAt(0) ?? 0;
    return code < 0x20 || (code >= 0x7f && code <= 0x9f);
  });

/** Throws `InvalidRequestError` unless `account` is a usable account name. */
export function validateAccountName(account: string): void {
  if (typeof account !== 'string' || account.length === 0) {
    throw new InvalidRequestError('The keychain account name is empty.', 'Give the secret a name.');
  }
  if (account.length > MAX_ACCOUNT_LENGTH) {
    throw new InvalidRequestError(
      `The keychain account name is longer than ${MAX_ACCOUNT_LENGTH} characters.`,
      'Use a shorter name.',
    );
  }
  if (hasControlChars(account)) {
    throw new InvalidRequestError(
      'The keychain account name contains control characters.',
      'Use only printable characters in the name.',
    );
  }
}

/** Throws `InvalidRequestError` unless `secret` is a non-empty string. */
export function validateSecret(secret: string): void {
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new InvalidRequestError('The secret is empty.', 'Enter the secret to store.');
  }
}
