/** Age identities as the app holds them: the recipient and where the key came from are public, the key is not. */
import { inspect } from 'node:util';
import { identityToRecipient } from 'age-encryption';
import { CompanionError } from '../errors.js';

/** An age identity (X25519 `AGE-SECRET-KEY-1…` or hybrid `AGE-SECRET-KEY-PQ-1…`). */
export class AgeIdentity {
  readonly #secretKey: string;

  private constructor(
    secretKey: string,
    /** The `age1…` recipient this identity opens. */
    readonly recipient: string,
    /** Where it was read from, for messages and the log (a path or variable name, never the key). */
    readonly origin: string,
  ) {
    this.#secretKey = secretKey;
  }

  /** Validates a secret key string; the error names `origin`, never the key. */
  static async fromSecretKey(secretKey: string, origin: string): Promise<AgeIdentity> {
    let recipient: string;
    try {
      recipient = await identityToRecipient(secretKey);
    } catch (cause) {
      throw new CompanionError(
        'age-identity-invalid',
        `${origin} holds something that starts like an age key but is not a valid one.`,
        'Check that the key was copied completely (one AGE-SECRET-KEY-1… per line), or create a new one with age-keygen.',
        { cause },
      );
    }
    return new AgeIdentity(secretKey, recipient, origin);
  }

  /** The secret key, only for handing to the age library. Never log or display it. */
  exposeSecretKey(): string {
    return this.#secretKey;
  }

  // Keep the key out of JSON logs and console.log/inspect output.
  toJSON(): { recipient: string; origin: string } {
    return { recipient: this.recipient, origin: this.origin };
  }

  [inspect.custom](): string {
    return `AgeIdentity(${this.recipient} from ${this.origin})`;
  }
}

/** What a keys file or `$SOPS_AGE_KEY` held. */
export interface ParsedAgeKeys {
  identities: AgeIdentity[];
  /** `AGE-PLUGIN-…` identities skipped: plugins (YubiKey, TPM…) need the age plugin binaries. */
  pluginIdentities: number;
}

const IDENTITY = /^AGE-SECRET-KEY-(PQ-)?1[0-9A-Z]+$/;

/**
 * Parses age identities, one per line, skipping blank lines and `#` comments (the age-keygen format).
 * `manyPerLine` also splits lines at whitespace, as sops does for `$SOPS_AGE_KEY`.
 */
export async function parseAgeKeys(
  text: string,
  origin: string,
  manyPerLine = false,
): Promise<ParsedAgeKeys> {
  const result: ParsedAgeKeys = { identities: [], pluginIdentities: 0 };
  const lines = text.split(/\r?\n/);
  for (const [index, rawLine] of lines.entries()) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    for (const word of manyPerLine ? line.split(/\s+/) : [line]) {
      const where = lines.length > 1 ? `line ${index + 1} of ${origin}` : origin;
      if (word.startsWith('AGE-PLUGIN-')) {
        result.pluginIdentities++;
        continue;
      }
      if (!IDENTITY.test(word)) {
        throw new CompanionError(
          'age-identity-invalid',
          `${where} is not an age identity (expected AGE-SECRET-KEY-1…).`,
          'Point the app at an age keys file (as written by age-keygen) or an unencrypted OpenSSH ed25519 private key.',
        );
      }
      result.identities.push(await AgeIdentity.fromSecretKey(word, where));
    }
  }
  return result;
}
