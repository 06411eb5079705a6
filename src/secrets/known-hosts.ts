/**
 * Pins host keys in OpenSSH known_hosts files (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"): our entries
 * are replaced, every other line is kept byte for byte, and the file is written atomically.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { InvalidRequestError } from '../errors.js';
import { withFileLock, writeFileAtomically } from '../store/index.js';
import { parsePublicKeyLine } from './ssh-host-key.js';

export interface PinHostKeyOptions {
  file: string;
  /** Names as known_hosts spells them: `pi.local`, `192.0.2.7`, `[pi.local]:2222` (see knownHostsName). */
  hostNames: string[];
  publicKeyLine: string;
}

/** The known_hosts spelling of a host: plain for port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port = 22): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

interface HostLine {
  /** Byte offsets of the host-pattern field inside the line. */
  start: number;
  end: number;
  patterns: string[];
  marker: string | null;
  key: string | null;
}

/** Splits off the optional marker and the host patterns; null for blank lines and comments. */
function parseLine(line: string): HostLine | null {
  const match = /^(\s*)(@\S+\s+)?(\S+)(?:\s+(\S+)\s+(\S+))?/.exec(line);
  if (!match || match[3]?.startsWith('#')) return null;
  const start = (match[1]?.length ?? 0) + (match[2]?.length ?? 0);
  const field = match[3] ?? '';
  return {
    start,
    end: start + field.length,
    patterns: field.split(','),
    marker: match[2]?.trim() ?? null,
    key: match[4] && match[5] ? `${match[4]} ${match[5]}` : null,
  };
}

/** `|1|salt|hash`: HMAC-SHA1 of the name keyed with the salt (ssh-keygen -H). */
function hashedMatches(pattern: string, name: string): boolean {
  const parts = /^\|1\|([A-Za-z0-9+/=]+)\|([A-Za-z0-9+/=]+)$/.exec(pattern);
  if (!parts) return false;
  const expected = Buffer.from(parts[2] ?? '', 'base64');
  const actual = createHmac('sha1', Buffer.from(parts[1] ?? '', 'base64'))
    .update(name)
    .digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** OpenSSH wildcard match (`*`, `?`), case-insensitive like match_hostname. */
function wildcardMatches(pattern: string, name: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 'i').test(name);
}

function patternMatches(pattern: string, name: string): boolean {
  return pattern.startsWith('|') ? hashedMatches(pattern, name) : wildcardMatches(pattern, name);
}

/** Whether a line applies to `name`: some pattern matches and no negated (`!`) one does. */
function lineMatches(line: HostLine, name: string): boolean {
  const negated = line.patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  if (negated.some((p) => patternMatches(p, name))) return false;
  return line.patterns.some((p) => !p.startsWith('!') && patternMatches(p, name));
}

async function readLines(file: string): Promise<string[]> {
  try {
    return (await readFile(file, 'utf8')).split('\n');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** The `type base64` keys pinned for a host name (plain, wildcard or hashed entries; markers ignored). */
export async function readPinnedKeys(file: string, hostName: string): Promise<string[]> {
  const keys: string[] = [];
  for (const text of await readLines(file)) {
    const line = parseLine(text.replace(/\r$/, ''));
    if (line && !line.marker && line.key && lineMatches(line, hostName)) keys.push(line.key);
  }
  return keys;
}

function checkHostName(name: string): void {
  if (!name || /[\s,#*?!|@]/.test(name) || (name.startsWith('[') && !/^\[[^\]]+\]:\d+$/.test(name))) {
    throw new InvalidRequestError(
      `"${name}" cannot be pinned as a host name in known_hosts.`,
      'Use a plain host name or address (pi.local, 192.0.2.7) or [host]:port for a non-standard port.',
    );
  }
}

/** Drops our names from a line; returns the line unchanged when none of them are in it. */
function withoutNames(text: string, names: Set<string>): string | null {
  const line = parseLine(text.replace(/\r$/, ''));
  // Marker lines (@cert-authority, @revoked) and wildcard patterns are the user's policy: leave them.
  if (!line || line.marker) return text;
  const ours = (p: string) =>
    names.has(p.toLowerCase()) || (p.startsWith('|') && [...names].some((name) => hashedMatches(p, name)));
  const kept = line.patterns.filter((p) => !ours(p));
  if (kept.length === line.patterns.length) return text;
  if (kept.length === 0) return null;
  return text.slice(0, line.start) + kept.join(',') + text.slice(line.end);
}

/** Makes `publicKeyLine` the only key known for `hostNames` in `file` (created 0600, its directory 0700). */
export async function pinHostKey(options: PinHostKeyOptions): Promise<void> {
  const { file, hostNames, publicKeyLine } = options;
  if (hostNames.length === 0) throw new InvalidRequestError('No host name to pin the key for.');
  hostNames.forEach(checkHostName);
  const key = parsePublicKeyLine(publicKeyLine);
  const names = new Set(hostNames.map((name) => name.toLowerCase()));

  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  // Read and write under a lock: the app and a `companion` run pinning two hosts at once must both end up in it.
  await withFileLock(file, async () => {
    const lines = await readLines(file);
    // A trailing newline leaves an empty last element; keep the file's lines without it.
    if (lines.at(-1) === '') lines.pop();
    const kept = lines
      .map((line) => withoutNames(line, names))
      .filter((line): line is string => line !== null);
    kept.push(`${[...new Set(hostNames)].join(',')} ${key.keyType} ${key.blob.toString('base64')}`);
    const mode = await stat(file).then(
      (info) => info.mode & 0o777,
      () => 0o600,
    );
    await writeFileAtomically(file, `${kept.join('\n')}\n`, mode);
  });
}
