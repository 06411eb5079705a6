/**
 * The MAC hashes each value as sops (Go) prints it, and sops reads unencrypted YAML scalars with
 * go-yaml v3's resolver, not YAML 1.2's: `0755` is octal, `1_000` is 1000, `2001-12-14` is a time.
 * Rules follow go-yaml v3 `resolve.go` and Go's `strconv`/`time` formatting.
 */
import { SopsTime, type SopsLeaf } from './sops-tree.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** `strconv.FormatFloat(f, 'f', -1, 64)`: shortest round-trip digits, never an exponent. */
export function goFormatFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (Object.is(value, -0)) return '-0';
  const text = String(value);
  const match = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) return text;
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = match;
  const digits = whole + fraction;
  const point = whole.length + Number(exponent);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return sign + digits + '0'.repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** `strconv.ParseInt(s, 0, 64)`, falling back to ParseUint as go-yaml does; null when neither parses. */
export function goParseInt(text: string): bigint | null {
  const match = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!match) return null;
  const [, sign, body = ''] = match;
  const digits = /^0[0-7]+$/.test(body) ? `0o${body.slice(1)}` : body;
  const magnitude = BigInt(digits);
  const value = sign === '-' ? -magnitude : magnitude;
  if (value >= INT64_MIN && value <= INT64_MAX) return value;
  return sign === '' && value <= UINT64_MAX ? value : null;
}

/** `strconv.ParseFloat(s, 64)` for the decimal forms go-yaml lets through; null when Go would fail. */
function goParseDecimalFloat(text: string): number | null {
  const value = Number(text);
  // Go reports overflow as an error (the scalar then stays a string); JS would give Infinity.
  return Number.isFinite(value) ? value : null;
}

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

const SPECIAL_SCALARS = new Map<string, SopsLeaf>([
  ...['true', 'True', 'TRUE'].map((s): [string, SopsLeaf] => [s, true]),
  ...['false', 'False', 'FALSE'].map((s): [string, SopsLeaf] => [s, false]),
  ...['', '~', 'null', 'Null', 'NULL'].map((s): [string, SopsLeaf] => [s, null]),
  ...['.nan', '.NaN', '.NAN'].map((s): [string, SopsLeaf] => [s, NaN]),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((s): [string, SopsLeaf] => [s, Infinity]),
  ...['-.inf', '-.Inf', '-.INF'].map((s): [string, SopsLeaf] => [s, -Infinity]),
]);

/** go-yaml's first-character hint: only these may resolve to anything but a string. */
function resolveHint(text: string): 'N' | 'M' | '.' | 'D' | null {
  const first = text[0];
  if (first === undefined) return 'N';
  if (/[0-9+-]/.test(first)) return 'D';
  if ('yYnNtTfFoO~'.includes(first)) return 'M';
  return first === '.' ? '.' : null;
}

/** What go-yaml v3 decodes an untagged plain scalar into (into an `interface{}`). */
export function resolveGoYamlPlain(text: string): SopsLeaf {
  const hint = resolveHint(text);
  if (hint === null) return text;
  const special = SPECIAL_SCALARS.get(text);
  if (special !== undefined) return special;
  if (hint === '.') {
    return (/^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text) ? goParseDecimalFloat(text) : null) ?? text;
  }
  if (hint !== 'D') return text;
  const time = parseGoYamlTimestamp(text);
  if (time) return time;
  const plain = text.replaceAll('_', '');
  const int = goParseInt(plain);
  if (int !== null) return int;
  if (YAML_STYLE_FLOAT.test(plain)) return goParseDecimalFloat(plain) ?? text;
  return text;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0));
}

const pad = (value: string, width: number) => value.padStart(width, '0');

/**
 * go-yaml's timestamp formats (`2006-1-2T15:4:5.999999999Z07:00`, lower-case `t`, space-separated
 * without zone, date only), returned with the RFC 3339 text Go's `MarshalText` prints for them.
 */
export function parseGoYamlTimestamp(text: string): SopsTime | null {
  const match =
    /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:([Tt])|( ))(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?)?$/.exec(
      text,
    );
  if (!match) return null;
  const [
    ,
    year = '',
    month = '',
    day = '',
    t,
    space,
    hour = '0',
    minute = '0',
    second = '0',
    fraction,
    zone,
  ] = match;
  if (!validDate(Number(year), Number(month), Number(day))) return null;
  // A `T` time needs a zone and a space-separated one must not have one.
  if ((t && !zone) || (space && zone)) return null;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return null;
  return new SopsTime(text, formatRfc3339Nano({ year, month, day, hour, minute, second, fraction, zone }));
}

/** RFC 3339 as Go's `time.Parse(time.RFC3339, …)` reads it (fractional seconds allowed). */
export function parseGoRfc3339(text: string): SopsTime | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (!match) return null;
  const [, year = '', month = '', day = '', hour = '', minute = '', second = '', fraction, zone] = match;
  if (!validDate(Number(year), Number(month), Number(day))) return null;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return null;
  return new SopsTime(text, formatRfc3339Nano({ year, month, day, hour, minute, second, fraction, zone }));
}

/** `t.Format(time.RFC3339)`: whole seconds, `Z` for a zero offset. */
export function formatGoRfc3339(time: SopsTime): string {
  return time.macText.replace(/\.\d+(?=Z|[+-])/, '');
}

function formatRfc3339Nano(parts: {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
  fraction: string | undefined;
  zone: string | undefined;
}): string {
  const { year, month, day, hour, minute, second, fraction, zone } = parts;
  // Go keeps nanoseconds (9 digits, extra ones dropped) and prints them without trailing zeros.
  const nanos = (fraction ?? '').slice(0, 9).replace(/0+$/, '');
  const offset = !zone || /^[+-]00:00$/.test(zone) ? 'Z' : zone;
  const date = `${year}-${pad(month, 2)}-${pad(day, 2)}`;
  const clock = `${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}`;
  return `${date}T${clock}${nanos ? `.${nanos}` : ''}${offset}`;
}

/** The bytes sops hashes for a leaf (`sops.ToBytes`); null leaves are never hashed. */
export function macBytesOf(leaf: Exclude<SopsLeaf, null>): Buffer {
  if (Buffer.isBuffer(leaf)) return leaf;
  if (leaf instanceof SopsTime) return Buffer.from(leaf.macText, 'utf8');
  if (typeof leaf === 'boolean') return Buffer.from(leaf ? 'True' : 'False', 'utf8');
  if (typeof leaf === 'bigint') return Buffer.from(leaf.toString(), 'utf8');
  if (typeof leaf === 'number') return Buffer.from(goFormatFloat(leaf), 'utf8');
  return Buffer.from(leaf, 'utf8');
}
