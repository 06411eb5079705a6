/** Reads the `sops` metadata block (already turned into plain data) the way sops `stores.go` does. */
import { formatGoRfc3339, parseGoRfc3339 } from './go-scalars.js';
import type { CryptRules } from './decrypt-tree.js';
import { SopsError } from './sops-error.js';

/** One `age` entry: its recipient and the armored age file holding the data key. */
export interface AgeKeyEntry {
  recipient: string;
  enc: string;
}

/** Master keys able to recover the data key; a file has one group unless it uses Shamir key groups. */
export interface KeyGroup {
  age: AgeKeyEntry[];
  /** Other key types present (`pgp`, `kms`, …) and how many of each, for the error message. */
  others: Array<{ type: string; count: number }>;
}

export interface SopsMetadata {
  keyGroups: KeyGroup[];
  /** The additional data of the MAC: `lastmodified` as Go's RFC 3339 prints it. */
  macAdditionalData: string;
  mac: string;
  rules: CryptRules;
}

const OTHER_KEY_TYPES = ['pgp', 'kms', 'gcp_kms', 'hckms', 'azure_kv', 'hc_vault'] as const;

type Plain = Record<string, unknown>;

const isRecord = (value: unknown): value is Plain =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);

function invalid(label: string, what: string): SopsError {
  return new SopsError(
    'sops-invalid-metadata',
    `${label} has broken sops metadata: ${what}.`,
    'The file was probably damaged or hand-edited; restore it from version control or re-encrypt it with sops.',
  );
}

function stringField(meta: Plain, key: string): string | undefined {
  const value = meta[key];
  if (value === undefined || value === null || value === '') return undefined;
  return typeof value === 'string' ? value : String(value);
}

function readGroup(meta: Plain, label: string): KeyGroup {
  const list = (key: string): unknown[] => (Array.isArray(meta[key]) ? (meta[key] as unknown[]) : []);
  const age = list('age').map((entry, index) => {
    if (!isRecord(entry) || typeof entry.enc !== 'string')
      throw invalid(label, `age key #${index + 1} has no enc`);
    return { recipient: typeof entry.recipient === 'string' ? entry.recipient : '(unnamed)', enc: entry.enc };
  });
  const others = OTHER_KEY_TYPES.map((type) => ({ type, count: list(type).length })).filter(
    (o) => o.count > 0,
  );
  return { age, others };
}

function hasKeys(group: KeyGroup): boolean {
  return group.age.length > 0 || group.others.length > 0;
}

/** Go regexps are RE2; the common inline `(?i)` prefix becomes a JS flag. */
function compileRegex(pattern: string, label: string, key: string): RegExp {
  const caseless = pattern.startsWith('(?i)');
  const source = caseless ? pattern.slice(4) : pattern;
  // Unicode mode matches Go's rune semantics but rejects some escapes RE2 allows; then try without.
  for (const flags of caseless ? ['iu', 'i'] : ['u', '']) {
    try {
      return new RegExp(source, flags);
    } catch {
      // next
    }
  }
  throw invalid(label, `${key} ${JSON.stringify(pattern)} is not a regular expression this app can use`);
}

function readRules(meta: Plain, label: string): CryptRules {
  const names = [
    'unencrypted_suffix',
    'encrypted_suffix',
    'unencrypted_regex',
    'encrypted_regex',
    'unencrypted_comment_regex',
    'encrypted_comment_regex',
  ];
  const set = names.filter((name) => stringField(meta, name) !== undefined);
  if (set.length > 1) throw invalid(label, `it sets more than one of ${set.join(', ')}`);
  const macOnly = meta.mac_only_encrypted;
  const unencryptedRegex = stringField(meta, 'unencrypted_regex');
  const encryptedRegex = stringField(meta, 'encrypted_regex');
  return {
    // sops' default when no rule is stored.
    unencryptedSuffix: set.length === 0 ? '_unencrypted' : stringField(meta, 'unencrypted_suffix'),
    encryptedSuffix: stringField(meta, 'encrypted_suffix'),
    unencryptedRegex: unencryptedRegex
      ? compileRegex(unencryptedRegex, label, 'unencrypted_regex')
      : undefined,
    encryptedRegex: encryptedRegex ? compileRegex(encryptedRegex, label, 'encrypted_regex') : undefined,
    byCommentRegex: set.some((name) => name.endsWith('comment_regex')),
    // dotenv stores every metadata value as a string; sops parses it with strconv.ParseBool.
    macOnlyEncrypted:
      macOnly === true || (typeof macOnly === 'string' && /^(1|t|T|TRUE|true|True)$/.test(macOnly)),
  };
}

/** Validates and normalises a metadata block; `label` names the file in messages. */
export function readSopsMetadata(meta: unknown, label: string): SopsMetadata {
  if (!isRecord(meta)) throw invalid(label, 'the sops entry is not a mapping');
  const lastModified = stringField(meta, 'lastmodified');
  const time = lastModified === undefined ? null : parseGoRfc3339(lastModified);
  if (!time) throw invalid(label, 'lastmodified is missing or not an RFC 3339 time');
  // Top-level keys win over key_groups, as in sops' internalKeygroups.
  const topLevel = readGroup(meta, label);
  const groups = hasKeys(topLevel)
    ? [topLevel]
    : (Array.isArray(meta.key_groups) ? meta.key_groups : []).map((group) =>
        readGroup(isRecord(group) ? group : {}, label),
      );
  if (!groups.some(hasKeys)) throw invalid(label, 'it lists no keys at all');
  return {
    keyGroups: groups,
    macAdditionalData: formatGoRfc3339(time),
    mac: stringField(meta, 'mac') ?? '',
    rules: readRules(meta, label),
  };
}
