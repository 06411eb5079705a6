/**
 * One `ENC[AES256_GCM,…]` value: AES-256-GCM under the file's data key, with the value's key path
 * as additional data. Mirrors sops `aes/cipher.go`.
 */
import { createDecipheriv } from 'node:crypto';
import { goFormatFloat, parseGoRfc3339 } from './go-scalars.js';
import { SopsTime, type SopsLeaf } from './sops-tree.js';

// Not anchored at the end, like sops' own pattern.
const ENCRYPTED_VALUE = /^ENC\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\]/;

/** A decrypted leaf and the exact bytes sops hashes for it; comments are never hashed. */
export type DecryptedValue =
  { kind: 'value'; value: Exclude<SopsLeaf, null>; macBytes: Buffer } | { kind: 'comment'; text: string };

/** Why a value could not be decrypted; the caller knows the path and turns it into a SopsError. */
export class ValueDecryptError extends Error {
  constructor(readonly reason: 'not-encrypted' | 'unauthentic' | 'bad-type') {
    super(reason);
  }
}

export function looksEncrypted(value: unknown): value is string {
  return typeof value === 'string' && ENCRYPTED_VALUE.test(value);
}

/** Go's `base64.StdEncoding` is strict; Node's decoder would silently skip a mangled character. */
function strictBase64(text: string): Buffer {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    throw new ValueDecryptError('not-encrypted');
  }
  return Buffer.from(text, 'base64');
}

/** Additional data for a value at `path`: keys joined with `:` plus a trailing `:`. */
export function additionalDataFor(path: readonly string[]): string {
  return `${path.join(':')}:`;
}

/** Decrypts one value; throws ValueDecryptError when it is malformed or fails authentication. */
export function decryptValue(text: string, dataKey: Buffer, additionalData: string): DecryptedValue {
  const match = ENCRYPTED_VALUE.exec(text);
  if (!match) throw new ValueDecryptError('not-encrypted');
  const [, data = '', iv = '', tag = '', type = ''] = match;
  const ivBytes = strictBase64(iv);
  const tagBytes = strictBase64(tag);
  if (ivBytes.length === 0 || tagBytes.length !== 16) throw new ValueDecryptError('not-encrypted');
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', dataKey, ivBytes, { authTagLength: 16 });
    decipher.setAuthTag(tagBytes);
    decipher.setAAD(Buffer.from(additionalData, 'utf8'));
    plain = Buffer.concat([decipher.update(strictBase64(data)), decipher.final()]);
  } catch (error) {
    if (error instanceof ValueDecryptError) throw error;
    throw new ValueDecryptError('unauthentic');
  }
  return typedValue(plain, type);
}

function typedValue(plain: Buffer, type: string): DecryptedValue {
  const text = plain.toString('utf8');
  switch (type) {
    case 'str':
      // Hash the raw bytes: Go strings may hold invalid UTF-8 that a JS string would replace.
      return { kind: 'value', value: text, macBytes: plain };
    case 'int': {
      if (!/^[+-]?[0-9]+$/.test(text)) throw new ValueDecryptError('bad-type');
      const value = BigInt(text);
      return { kind: 'value', value, macBytes: Buffer.from(value.toString()) };
    }
    case 'float': {
      const value = parseGoFloat(text);
      return { kind: 'value', value, macBytes: Buffer.from(goFormatFloat(value)) };
    }
    case 'bool': {
      const value = parseGoBool(text);
      return { kind: 'value', value, macBytes: Buffer.from(value ? 'True' : 'False') };
    }
    case 'bytes':
      return { kind: 'value', value: plain, macBytes: plain };
    case 'time': {
      const time = parseGoRfc3339(text);
      if (!time) throw new ValueDecryptError('bad-type');
      return { kind: 'value', value: new SopsTime(text, time.macText), macBytes: Buffer.from(time.macText) };
    }
    case 'comment':
      return { kind: 'comment', text };
    default:
      throw new ValueDecryptError('bad-type');
  }
}

/** `strconv.ParseBool`. */
function parseGoBool(text: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  throw new ValueDecryptError('bad-type');
}

/** `strconv.ParseFloat` for what sops writes (`FormatFloat(…, 'f', -1, 64)`, `+Inf`, `NaN`). */
function parseGoFloat(text: string): number {
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(text);
  if (special) {
    if (special[2]?.toLowerCase() === 'nan') return NaN;
    return special[1] === '-' ? -Infinity : Infinity;
  }
  if (!/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(text))
    throw new ValueDecryptError('bad-type');
  return Number(text);
}
