import { whyUnreadable } from '../../errors.js';
/** Decrypts SOPS files (YAML, JSON, dotenv) with age identities in-process: no `sops` binary needed. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AgeIdentity } from '../age-identities-text.js';
import { openDataKey } from './data-key.js';
import { decryptBranches } from './decrypt-tree.js';
import { decryptValue, ValueDecryptError } from './encrypted-value.js';
import { loadDotenvStore } from './dotenv-store.js';
import { SopsError } from './sops-error.js';
import { readSopsMetadata, type SopsMetadata } from './sops-metadata.js';
import { findNode, leafPaths, toPlain, type SopsMap } from './sops-tree.js';
import { loadYamlStore, type LoadedStore } from './yaml-store.js';

export type SopsFormat = 'yaml' | 'json' | 'dotenv';

/** A decrypted SOPS file. Hold it briefly: it carries the secrets in memory. */
export interface DecryptedSops {
  format: SopsFormat;
  /** The plain data (objects in file order; several YAML documents become an array). */
  tree: unknown;
  /** The value at a dotted path (`nested.test.file`, `a_list.0`); for dotenv the key itself. */
  lookup(path: string): unknown;
  /** Dotted paths of every leaf, in file order. */
  keys(): string[];
  /** The recipient of the identity that opened the file (safe to log); empty when a data key was given. */
  openedBy: string;
}

const EXTENSIONS: Record<string, SopsFormat> = {
  '.yaml': 'yaml',
  '.yml': 'yaml',
  '.json': 'json',
  '.env': 'dotenv',
};

/** The store a file uses: by extension, else by looking at the text. */
export function sopsFormatOf(file: string, text: string): SopsFormat {
  const byExtension = EXTENSIONS[path.extname(file).toLowerCase()];
  if (byExtension) return byExtension;
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) return 'json';
  // dotenv: every line is empty, a comment, or KEY=value, and the metadata is flattened into sops_ keys.
  const lines = text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
  const dotenvLike = lines.every((line) => /^[^\s=:#][^=:]*=/.test(line));
  return dotenvLike && lines.some((line) => line.startsWith('sops_')) ? 'dotenv' : 'yaml';
}

function loadStore(text: string, format: SopsFormat, label: string): LoadedStore {
  return format === 'dotenv' ? loadDotenvStore(text, label) : loadYamlStore(text, format, label);
}

function notEncrypted(label: string): SopsError {
  return new SopsError(
    'sops-not-encrypted',
    `${label} is not a SOPS-encrypted file (it has no sops metadata).`,
    'Pick the encrypted secrets file from your NixOS configuration (the one sops-nix reads), or encrypt this one with `sops encrypt --in-place <file>`.',
  );
}

/** Decrypts with a known data key, verifying the MAC; the data key is the caller's to wipe. */
export function decryptSopsWithDataKey(
  text: string,
  format: SopsFormat,
  dataKey: Buffer,
  label = 'The secrets file',
  openedBy = '',
): DecryptedSops {
  const store = loadStore(text, format, label);
  if (store.metadata === undefined) throw notEncrypted(label);
  const metadata = readSopsMetadata(store.metadata, label);
  return verifyAndBuild(store, metadata, dataKey, format, label, openedBy);
}

function verifyAndBuild(
  store: LoadedStore,
  metadata: SopsMetadata,
  dataKey: Buffer,
  format: SopsFormat,
  label: string,
  openedBy: string,
): DecryptedSops {
  const { branches, mac } = decryptBranches(store.branches, metadata.rules, dataKey, label);
  let storedMac = '';
  try {
    const result = decryptValue(metadata.mac, dataKey, metadata.macAdditionalData);
    storedMac = result.kind === 'value' && typeof result.value === 'string' ? result.value : '';
  } catch (error) {
    if (!(error instanceof ValueDecryptError)) throw error;
  }
  if (storedMac !== mac) {
    throw new SopsError(
      'sops-mac-mismatch',
      `${label} was modified after it was encrypted: its MAC does not match its contents${storedMac ? '' : ' (the MAC itself is missing or damaged)'}. The file cannot be trusted.`,
      'Restore the file from version control (git checkout/restore) or re-create the secret with `sops edit`; never edit encrypted values by hand.',
    );
  }
  return buildResult(branches, format, openedBy);
}

function buildResult(branches: SopsMap[], format: SopsFormat, openedBy: string): DecryptedSops {
  const tree = branches.length === 1 && branches[0] ? toPlain(branches[0]) : branches.map(toPlain);
  return {
    format,
    tree,
    openedBy,
    lookup(dotted) {
      for (const branch of branches) {
        const node = findNode(branch, dotted);
        if (node !== undefined) return toPlain(node);
      }
      return undefined;
    },
    keys: () => branches.flatMap((branch) => leafPaths(branch)),
  };
}

/** Decrypts SOPS text in the given store format with the first identity that opens it. */
export async function decryptSops(
  text: string,
  format: SopsFormat,
  identities: readonly AgeIdentity[],
  label = 'The secrets file',
): Promise<DecryptedSops> {
  const store = loadStore(text, format, label);
  if (store.metadata === undefined) throw notEncrypted(label);
  const metadata = readSopsMetadata(store.metadata, label);
  const { dataKey, openedBy } = await openDataKey(metadata, identities, label);
  try {
    return verifyAndBuild(store, metadata, dataKey, format, label, openedBy);
  } finally {
    dataKey.fill(0);
  }
}

/** Reads and decrypts a SOPS file; the format comes from the extension, else from the content. */
export async function decryptSopsFile(
  file: string,
  identities: readonly AgeIdentity[],
): Promise<DecryptedSops> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    const why = whyUnreadable(cause);
    throw new SopsError(
      'sops-file-unreadable',
      `The secrets file ${file} ${why}.`,
      'Check the path of the SOPS file in the host settings.',
      { cause },
    );
  }
  return decryptSops(text, sopsFormatOf(file, text), identities, file);
}
