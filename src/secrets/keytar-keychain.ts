import { createRequire } from 'node:module';
import type { KeychainStatus } from '../contract/index.js';
import { CompanionError, describeError } from '../errors.js';
import { APP_ID } from '../store/index.js';
import { KeychainError, KeychainUnavailableError, validateAccountName, validateSecret } from './keychain.js';
import type { Keychain } from './keychain.js';

/** The part of keytar we use (same shape as `@napi-rs/keyring/keytar`, the drop-in if keytar breaks somewhere). */
export interface KeytarModule {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

export interface KeytarKeychainOptions {
  /** Keychain service name; tests use their own so they never touch the app's secrets. */
  service?: string;
  platform?: NodeJS.Platform;
  loadKeytar?: () => KeytarModule;
}

/** Account used by `status()` for its round trip; hidden from `list()`. */
export const PROBE_ACCOUNT = '.companion-keychain-probe';

/** The user-facing name of the keychain keytar talks to on `platform`. */
export function keychainBackendName(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'macOS Keychain';
  if (platform === 'win32') return 'Windows Credential Manager';
  return 'Secret Service';
}

// Required lazily: a missing or ABI-mismatched keytar.node must become a clear error, not a crash at import.
function loadKeytarModule(): KeytarModule {
  return createRequire(import.meta.url)('keytar') as KeytarModule;
}

const NO_SESSION_BUS =
  /autolaunch D-Bus|\$DISPLAY|Could not connect|Failed to connect to socket|DBus\.Error\.(NoServer|FileNotFound|Disconnected)/i;
const NO_SECRET_SERVICE =
  /org\.freedesktop\.secrets|not provided by any \.service files|ServiceUnknown|No such interface/i;
const LOCKED = /locked collection|is locked|dismissed|cancell?ed|User interaction is not allowed/i;

/** Turns a keytar failure into a typed error whose hint says what to do; pure, so it is table-tested. */
export function mapKeytarError(error: unknown, platform: NodeJS.Platform): CompanionError {
  if (error instanceof CompanionError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  const backend = keychainBackendName(platform);
  const unavailable = (what: string, hint: string) =>
    new KeychainUnavailableError(`The ${backend} is not available: ${what} (${detail}).`, hint, {
      cause: error,
    });
  if (platform === 'linux' || platform === 'freebsd' || platform === 'openbsd') {
    if (NO_SESSION_BUS.test(detail)) {
      return unavailable(
        'there is no D-Bus session bus',
        'Log into a desktop session (the keyring lives on its D-Bus session bus). Over SSH or in a container, ' +
          'start one: dbus-run-session plus gnome-keyring-daemon --unlock.',
      );
    }
    if (NO_SECRET_SERVICE.test(detail)) {
      return unavailable(
        'no Secret Service provider is running',
        'Install and start gnome-keyring (or enable the Secret Service integration in KeePassXC), then try again.',
      );
    }
  }
  if (LOCKED.test(detail)) {
    return unavailable(
      'the keyring is locked',
      platform === 'darwin'
        ? 'Unlock your login keychain (Keychain Access, or `security unlock-keychain`) and try again.'
        : 'Unlock the login keyring (Passwords and Keys / Seahorse, or your KeePassXC database) and try again.',
    );
  }
  return new KeychainError(
    `The ${backend} refused the request: ${detail}.`,
    `Check that the ${backend} works (try another app that stores passwords), then try again.`,
    { cause: error },
  );
}

/** The real OS keychain through keytar; every secret lives under one service name, `APP_ID` by default. */
export class KeytarKeychain implements Keychain {
  private readonly service: string;
  private readonly platform: NodeJS.Platform;
  private readonly loadKeytar: () => KeytarModule;
  private keytar: KeytarModule | undefined;

  constructor(options: KeytarKeychainOptions = {}) {
    this.service = options.service ?? APP_ID;
    this.platform = options.platform ?? process.platform;
    this.loadKeytar = options.loadKeytar ?? loadKeytarModule;
  }

  async get(account: string): Promise<string | null> {
    validateAccountName(account);
    return this.call((k) => k.getPassword(this.service, account));
  }

  async set(account: string, secret: string): Promise<void> {
    validateAccountName(account);
    validateSecret(secret);
    await this.call((k) => k.setPassword(this.service, account, secret));
  }

  async delete(account: string): Promise<boolean> {
    validateAccountName(account);
    return this.call((k) => k.deletePassword(this.service, account));
  }

  async list(): Promise<string[]> {
    const credentials = await this.call((k) => k.findCredentials(this.service));
    const accounts = new Set(credentials.map((c) => c.account).filter((a) => a !== PROBE_ACCOUNT));
    return [...accounts].sort();
  }

  async status(): Promise<KeychainStatus> {
    const backend = keychainBackendName(this.platform);
    try {
      // A real round trip: "the module loads" says nothing about a locked keyring or a missing Secret Service.
      const probe = `probe-${Date.now()}`;
      await this.call((k) => k.setPassword(this.service, PROBE_ACCOUNT, probe));
      const read = await this.call((k) => k.getPassword(this.service, PROBE_ACCOUNT));
      await this.call((k) => k.deletePassword(this.service, PROBE_ACCOUNT));
      if (read !== probe) {
        throw new KeychainError(
          'The keychain returned a different secret than was stored.',
          'Restart the keyring service.',
        );
      }
      return { available: true, backend, message: `The ${backend} is available.`, hint: null };
    } catch (error) {
      const { message, hint } = describeError(error);
      return { available: false, backend, message, hint: hint || null };
    }
  }

  private async call<T>(operation: (keytar: KeytarModule) => Promise<T>): Promise<T> {
    const keytar = this.module();
    try {
      return await operation(keytar);
    } catch (error) {
      throw mapKeytarError(error, this.platform);
    }
  }

  private module(): KeytarModule {
    if (this.keytar) return this.keytar;
    try {
      this.keytar = this.loadKeytar();
      return this.keytar;
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new KeychainUnavailableError(
        `The keychain module could not be loaded (${detail}).`,
        this.platform === 'linux'
          ? 'Install libsecret (libsecret-1-0 on Debian/Ubuntu, libsecret on Fedora/Arch), then reinstall the app.'
          : 'Reinstall the app; its native keychain module is missing or was built for another version.',
        { cause: error },
      );
    }
  }
}
