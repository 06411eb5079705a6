import type { KeychainStatus } from '../../src/contract/index.js';
import { KeychainUnavailableError, validateAccountName, validateSecret } from '../../src/secrets/keychain.js';
import type { Keychain } from '../../src/secrets/keychain.js';

export interface MemoryKeychainOptions {
  /** Initial secrets by account name. */
  secrets?: Record<string, string>;
  /** When set, every call fails like a machine without a Secret Service, so callers' error paths can be tested. */
  unavailable?: { message: string; hint: string };
}

/** An in-memory `Keychain` for unit tests of code that stores secrets; validates exactly like the real one. */
export class MemoryKeychain implements Keychain {
  private readonly secrets = new Map<string, string>();
  unavailable: MemoryKeychainOptions['unavailable'];

  constructor(options: MemoryKeychainOptions = {}) {
    for (const [account, secret] of Object.entries(options.secrets ?? {})) this.secrets.set(account, secret);
    this.unavailable = options.unavailable;
  }

  async get(account: string): Promise<string | null> {
    validateAccountName(account);
    this.failIfUnavailable();
    return this.secrets.get(account) ?? null;
  }

  async set(account: string, secret: string): Promise<void> {
    validateAccountName(account);
    validateSecret(secret);
    this.failIfUnavailable();
    this.secrets.set(account, secret);
  }

  async delete(account: string): Promise<boolean> {
    validateAccountName(account);
    this.failIfUnavailable();
    return this.secrets.delete(account);
  }

  async list(): Promise<string[]> {
    this.failIfUnavailable();
    return [...this.secrets.keys()].sort();
  }

  async status(): Promise<KeychainStatus> {
    if (this.unavailable) {
      return {
        available: false,
        backend: 'Memory',
        message: this.unavailable.message,
        hint: this.unavailable.hint,
      };
    }
    return {
      available: true,
      backend: 'Memory',
      message: 'The in-memory keychain is available.',
      hint: null,
    };
  }

  private failIfUnavailable(): void {
    if (this.unavailable) throw new KeychainUnavailableError(this.unavailable.message, this.unavailable.hint);
  }
}
