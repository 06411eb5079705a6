/**
 * The in-memory shape of a SOPS document. Maps keep their entries in file order because the MAC
 * is computed in document order, and plain JS objects would move integer-like keys to the front.
 */

/** A timestamp leaf: the text as written and the form Go's `time.MarshalText` gives it (hashed into the MAC). */
export class SopsTime {
  constructor(
    readonly text: string,
    readonly macText: string,
  ) {}
}

/** Integers are bigints (Go ints can exceed 2^53) and floats numbers, so the MAC can format each as Go does. */
export type SopsLeaf = string | bigint | number | boolean | null | Buffer | SopsTime;

export type SopsNode = SopsLeaf | SopsMap | SopsNode[];

/** An ordered mapping. */
export class SopsMap {
  constructor(readonly entries: Array<[string, SopsNode]> = []) {}

  get(key: string): SopsNode | undefined {
    return this.entries.find(([name]) => name === key)?.[1];
  }
}

/** Plain data for callers: objects, arrays, strings, numbers (bigint only beyond 2^53), booleans, Buffers. */
export function toPlain(node: SopsNode): unknown {
  if (node instanceof SopsMap) return Object.fromEntries(node.entries.map(([k, v]) => [k, toPlain(v)]));
  if (Array.isArray(node)) return node.map(toPlain);
  if (node instanceof SopsTime) return node.text;
  if (typeof node === 'bigint') {
    const asNumber = Number(node);
    return Number.isSafeInteger(asNumber) ? asNumber : node;
  }
  return node;
}

/** Dotted paths of every leaf in document order; list items get their index (`a_list.0`). */
export function leafPaths(node: SopsNode, prefix = ''): string[] {
  const join = (key: string) => (prefix ? `${prefix}.${key}` : key);
  if (node instanceof SopsMap) return node.entries.flatMap(([key, value]) => leafPaths(value, join(key)));
  if (Array.isArray(node)) return node.flatMap((item, index) => leafPaths(item, join(String(index))));
  return prefix ? [prefix] : [];
}

/**
 * The node at a dotted path (`nested.test.file`, `a_list.1`), or undefined. Keys may themselves
 * contain dots (dotenv keys, `example.com` hosts), so each level tries every key that prefixes the
 * rest of the path instead of splitting blindly.
 */
export function findNode(node: SopsNode, path: string): SopsNode | undefined {
  if (node instanceof SopsMap) {
    for (const [key, value] of node.entries) {
      if (key === path) return value;
      if (path.startsWith(`${key}.`)) {
        const found = findNode(value, path.slice(key.length + 1));
        if (found !== undefined) return found;
      }
    }
    return undefined;
  }
  if (Array.isArray(node)) {
    const match = /^(0|[1-9][0-9]*)(?:\.(.*))?$/s.exec(path);
    if (!match) return undefined;
    const item = node[Number(match[1])];
    if (item === undefined || match[2] === undefined) return item;
    return findNode(item, match[2]);
  }
  return undefined;
}
