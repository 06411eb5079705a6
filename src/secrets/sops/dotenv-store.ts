/**
 * Reads the dotenv store (`KEY=value` lines, `#` comments), whose metadata sops flattens into
 * `sops_*` keys such as `sops_age__list_0__map_enc` (sops `stores/dotenv`, `stores/flatten.go`).
 */
import { SopsError } from './sops-error.js';
import { SopsMap } from './sops-tree.js';
import type { LoadedStore } from './yaml-store.js';

const METADATA_PREFIX = 'sops_';

type Token = { map: string } | { list: number };

/** Splits a flattened key at `__map_` / `__list_` markers. */
function tokenize(path: string): Token[] {
  const parts = path.split(/(__map_|__list_)/);
  const tokens: Token[] = [{ map: parts[0] ?? '' }];
  for (let i = 1; i < parts.length; i += 2) {
    const part = parts[i + 1] ?? '';
    tokens.push(parts[i] === '__list_' ? { list: Number.parseInt(part, 10) || 0 } : { map: part });
  }
  return tokens;
}

interface FlatNode {
  value?: string;
  keys?: Map<string, FlatNode>;
  indexes?: Map<number, FlatNode>;
}

function unflatten(node: FlatNode): unknown {
  const kinds = [node.value !== undefined, node.keys !== undefined, node.indexes !== undefined];
  if (kinds.filter(Boolean).length > 1) throw new Error('a key is used both as a value and a container');
  if (node.value !== undefined) return node.value;
  if (node.keys) return Object.fromEntries([...node.keys].map(([key, child]) => [key, unflatten(child)]));
  if (node.indexes) {
    const items = [...node.indexes].sort(([a], [b]) => a - b);
    if (items.some(([index], position) => index !== position)) throw new Error('a list has gaps');
    return items.map(([, child]) => unflatten(child));
  }
  return {};
}

function child<K>(children: Map<K, FlatNode>, key: K): FlatNode {
  let node = children.get(key);
  if (!node) children.set(key, (node = {}));
  return node;
}

function place(root: FlatNode, tokens: Token[], value: string): void {
  let node = root;
  for (const token of tokens) {
    node =
      'map' in token
        ? child((node.keys ??= new Map()), token.map)
        : child((node.indexes ??= new Map()), token.list);
  }
  if (node.value !== undefined) throw new Error('a key appears twice');
  node.value = value;
}

/** Parses a dotenv sops file: one branch of string values plus the unflattened metadata. */
export function loadDotenvStore(text: string, label: string): LoadedStore {
  const branch = new SopsMap();
  const metadataRoot: FlatNode = {};
  let hasMetadata = false;
  // sops splits on "\n" only and turns a literal `\n` in a value into a newline.
  text.split('\n').forEach((line, index) => {
    if (line === '' || line.startsWith('#')) return;
    const equals = line.indexOf('=');
    if (equals === -1) {
      throw new SopsError(
        'sops-parse-failed',
        `${label} is not a dotenv file: line ${index + 1} has no "=".`,
        'Make sure you picked the encrypted secrets file itself; if it is, restore it from version control.',
      );
    }
    const key = line.slice(0, equals);
    const value = line.slice(equals + 1).replaceAll('\\n', '\n');
    if (!key.startsWith(METADATA_PREFIX)) {
      branch.entries.push([key, value]);
      return;
    }
    hasMetadata = true;
    try {
      place(metadataRoot, tokenize(key.slice(METADATA_PREFIX.length)), value);
    } catch (cause) {
      throw new SopsError(
        'sops-invalid-metadata',
        `${label} has broken sops metadata: ${key} (${cause instanceof Error ? cause.message : String(cause)}).`,
        'The file was probably damaged or hand-edited; restore it from version control or re-encrypt it with sops.',
      );
    }
  });
  if (!hasMetadata) return { branches: [branch], metadata: undefined };
  let metadata: unknown;
  try {
    metadata = unflatten(metadataRoot);
  } catch (cause) {
    throw new SopsError(
      'sops-invalid-metadata',
      `${label} has broken sops metadata: ${cause instanceof Error ? cause.message : String(cause)}.`,
      'The file was probably damaged or hand-edited; restore it from version control or re-encrypt it with sops.',
    );
  }
  return { branches: [branch], metadata };
}
