/**
 * Reads the YAML and JSON stores into ordered trees. JSON is YAML, so one parser serves both and
 * keeps key order; scalars are then typed the way sops' Go decoders type them.
 */
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Document, type Scalar } from 'yaml';
import { goParseInt, resolveGoYamlPlain } from './go-scalars.js';
import { SopsError } from './sops-error.js';
import { SopsMap, toPlain, type SopsLeaf, type SopsNode } from './sops-tree.js';

/** A store's content: the data branches (one per YAML document) and the raw metadata block. */
export interface LoadedStore {
  branches: SopsMap[];
  metadata: unknown;
}

type Flavour = 'yaml' | 'json';

const MAX_ALIAS_DEPTH = 100;

function parseFailed(label: string, flavour: Flavour, detail: string): SopsError {
  return new SopsError(
    'sops-parse-failed',
    `${label} is not valid ${flavour.toUpperCase()}: ${detail}.`,
    'Make sure you picked the encrypted secrets file itself; if it is, restore it from version control.',
  );
}

const STANDARD_TAG = /^tag:yaml\.org,2002:(str|int|float|bool|null|timestamp|binary)$/;

function scalarValue(node: Scalar, flavour: Flavour): SopsLeaf {
  const text =
    node.type === 'PLAIN' && typeof node.source === 'string' ? node.source : String(node.value ?? '');
  if (flavour === 'json') {
    if (node.type !== 'PLAIN') return text;
    if (text === 'true' || text === 'false') return text === 'true';
    if (text === 'null') return null;
    // The YAML parser would take `hello` or `0x1F`; Go's JSON decoder rejects them.
    if (!/^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/.test(text))
      throw new Error('a value is not JSON');
    // encoding/json with UseNumber, then int64 when it fits, else float64 (sops' normalizeJSONNumber).
    const int = /^-?[0-9]+$/.test(text) ? goParseInt(text) : null;
    return int !== null && int < 2n ** 63n ? int : Number(text);
  }
  const tag = node.tag && STANDARD_TAG.exec(node.tag)?.[1];
  if (node.tag && !tag) return text; // a custom tag: go-yaml leaves the text alone
  if (tag === 'str') return text;
  if (tag === 'binary') return Buffer.from(text.replace(/\s+/g, ''), 'base64');
  // Quoted and block scalars are strings; only plain ones are resolved.
  return node.type === 'PLAIN' || tag ? resolveGoYamlPlain(text) : text;
}

function convert(node: unknown, doc: Document, flavour: Flavour, depth = 0): SopsNode {
  if (depth > MAX_ALIAS_DEPTH) throw new Error('aliases nest too deeply');
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return convert(node.resolve(doc), doc, flavour, depth + 1);
  if (isMap(node)) {
    return new SopsMap(
      node.items.map((pair): [string, SopsNode] => {
        const key = isScalar(pair.key) ? scalarKey(pair.key) : null;
        if (key === null) throw new Error('a mapping key is not a plain value');
        return [key, convert(pair.value, doc, flavour, depth)];
      }),
    );
  }
  if (isSeq(node)) return node.items.map((item) => convert(item, doc, flavour, depth));
  if (isScalar(node)) return scalarValue(node, flavour);
  throw new Error('unexpected YAML node');
}

function scalarKey(node: Scalar): string {
  return node.type === 'PLAIN' && typeof node.source === 'string' ? node.source : String(node.value ?? '');
}

/** Parses a YAML (possibly multi-document) or JSON sops file; metadata comes from the first document. */
export function loadYamlStore(text: string, flavour: Flavour, label: string): LoadedStore {
  const docs = parseAllDocuments(text, {
    intAsBigInt: true,
    // sops refuses duplicate YAML keys; its JSON reader keeps them.
    uniqueKeys: flavour === 'yaml',
    prettyErrors: false,
  });
  if (!Array.isArray(docs)) return { branches: [], metadata: undefined }; // an empty file
  const branches = docs.map((doc) => {
    // Position only: a message could quote a line of a file that turns out to be plaintext.
    const error = doc.errors[0];
    if (error) throw parseFailed(label, flavour, `line ${error.linePos?.[0].line ?? '?'} (${error.code})`);
    let tree: SopsNode;
    try {
      tree = convert(doc.contents, doc, flavour);
    } catch (cause) {
      throw parseFailed(label, flavour, cause instanceof Error ? cause.message : String(cause));
    }
    if (tree === null) return new SopsMap();
    if (!(tree instanceof SopsMap)) throw parseFailed(label, flavour, 'the top level is not a mapping');
    return tree;
  });
  const metadata = branches[0]?.get('sops');
  const withoutMetadata = branches.map(
    (branch) => new SopsMap(branch.entries.filter(([key]) => key !== 'sops')),
  );
  return { branches: withoutMetadata, metadata: metadata === undefined ? undefined : toPlain(metadata) };
}
