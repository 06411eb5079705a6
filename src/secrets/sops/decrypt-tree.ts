/**
 * Walks a SOPS tree in document order, decrypting what the file's rules say was encrypted and
 * hashing every value into the MAC, as sops `Tree.Decrypt` does (sops.go).
 */
import { createHash } from 'node:crypto';
import { macBytesOf } from './go-scalars.js';
import { additionalDataFor, decryptValue, looksEncrypted, ValueDecryptError } from './encrypted-value.js';
import { SopsError } from './sops-error.js';
import { SopsMap, type SopsNode } from './sops-tree.js';

/** Which values sops encrypted (at most one rule is set; no rule means the `_unencrypted` suffix). */
export interface CryptRules {
  unencryptedSuffix?: string;
  encryptedSuffix?: string;
  unencryptedRegex?: RegExp;
  encryptedRegex?: RegExp;
  /**
   * The file uses `unencrypted_comment_regex`/`encrypted_comment_regex`. Those depend on where
   * go-yaml attaches comments, which the JS parser does differently, so such files decide per value
   * by its shape instead; the MAC still catches any wrong guess.
   */
  byCommentRegex: boolean;
  macOnlyEncrypted: boolean;
}

// sha256("sops"): sops seeds the hash with it when only encrypted values are MACed.
const MAC_ONLY_ENCRYPTED_SEED = Buffer.from(
  '8a3fd2ad54ce66527b1034f3d147be0b0b975b3bf44f72c6fdadec8176f27d69',
  'hex',
);

function shouldBeEncrypted(path: readonly string[], rules: CryptRules, value: SopsNode): boolean {
  if (rules.byCommentRegex) return looksEncrypted(value);
  const { unencryptedSuffix, encryptedSuffix, unencryptedRegex, encryptedRegex } = rules;
  if (unencryptedSuffix) return !path.some((key) => key.endsWith(unencryptedSuffix));
  if (encryptedSuffix) return path.some((key) => key.endsWith(encryptedSuffix));
  if (unencryptedRegex) return !path.some((key) => unencryptedRegex.test(key));
  if (encryptedRegex) return path.some((key) => encryptedRegex.test(key));
  return true;
}

function tampered(path: readonly string[], label: string, reason: ValueDecryptError['reason']): SopsError {
  const where = path.length ? `the value at ${path.join('.')}` : 'a value';
  const what =
    reason === 'not-encrypted'
      ? `${where} should be encrypted but is not (or is mangled)`
      : reason === 'bad-type'
        ? `${where} does not hold the type it claims`
        : `${where} fails its integrity check`;
  return new SopsError(
    'sops-mac-mismatch',
    `${label} was modified after it was encrypted: ${what}. The file cannot be trusted.`,
    'Restore the file from version control (git checkout/restore) or re-create the secret with `sops edit`; never edit encrypted values by hand.',
  );
}

/** Decrypts every branch in place order and returns the plain branches and the MAC (uppercase hex). */
export function decryptBranches(
  branches: readonly SopsMap[],
  rules: CryptRules,
  dataKey: Buffer,
  label: string,
): { branches: SopsMap[]; mac: string } {
  const hash = createHash('sha512');
  if (rules.macOnlyEncrypted) hash.update(MAC_ONLY_ENCRYPTED_SEED);

  const walk = (node: SopsNode, path: string[]): SopsNode => {
    if (node instanceof SopsMap) {
      return new SopsMap(node.entries.map(([key, value]) => [key, walk(value, [...path, key])]));
    }
    // List items share their parent's path: sops does not put indexes in the additional data.
    if (Array.isArray(node)) return node.map((item) => walk(item, path));
    if (node === null) return null;
    const encrypted = shouldBeEncrypted(path, rules, node);
    let plain: SopsNode = node;
    let macBytes: Buffer | null = null;
    if (encrypted) {
      if (typeof node !== 'string') throw tampered(path, label, 'not-encrypted');
      // sops writes an empty string as is, unencrypted.
      if (node === '') macBytes = Buffer.alloc(0);
      else {
        let result;
        try {
          result = decryptValue(node, dataKey, additionalDataFor(path));
        } catch (error) {
          if (error instanceof ValueDecryptError) throw tampered(path, label, error.reason);
          throw error;
        }
        if (result.kind === 'comment') return result.text;
        plain = result.value;
        macBytes = result.macBytes;
      }
    } else macBytes = macBytesOf(node);
    if (!rules.macOnlyEncrypted || encrypted) hash.update(macBytes);
    return plain;
  };

  const plainBranches = branches.map((branch) => walk(branch, []) as SopsMap);
  return { branches: plainBranches, mac: hash.digest('hex').toUpperCase() };
}
