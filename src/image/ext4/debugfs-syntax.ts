import { Ext4Error } from './ext4-error.js';

/**
 * True for what debugfs's command parser (libss ss_parse) cannot carry inside a quoted argument: a double quote
 * (escapable as "" but refused here for simplicity) and control characters (a newline ends the command).
 */
export function hasUnsafeChar(value: string): boolean {
  for (const char of value) {
    const code = char.charCodeAt(0);
    if (char === '"' || code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

// debugfs reads `-f` scripts with fgets(buf, BUFSIZ): 8192 bytes on glibc but 1024 on macOS; a longer line would be
// cut and its tail run as a second command.
export const MAX_COMMAND_BYTES = 1000;

/** Quotes one argument for a debugfs command line; refuses what its parser cannot carry (`"`, newlines, controls). */
export function quoteArg(value: string): string {
  if (hasUnsafeChar(value)) {
    throw new Ext4Error(
      'ext4-path-refused',
      `The path ${JSON.stringify(value)} contains a double quote or a control character, which debugfs cannot take.`,
      'Use a path without quotes, newlines or control characters.',
    );
  }
  return `"${value}"`;
}

/** Builds one debugfs command line from a command name and raw arguments (quoted here as needed). */
export function debugfsCommand(name: string, ...args: (string | number)[]): string {
  // Plain words (field names, numbers) stay bare for readable logs; anything else, every path included, is quoted.
  const format = (arg: string | number) =>
    typeof arg === 'number' || /^[A-Za-z0-9_]+$/.test(arg) ? String(arg) : quoteArg(arg);
  const line = [name, ...args.map(format)].join(' ');
  if (Buffer.byteLength(line) > MAX_COMMAND_BYTES) {
    throw new Ext4Error(
      'ext4-path-refused',
      `A debugfs command would be ${Buffer.byteLength(line)} bytes long; debugfs reads at most ${MAX_COMMAND_BYTES}.`,
      'Use shorter paths (and a shorter temporary directory, TMPDIR).',
    );
  }
  return line;
}

/** `sif` mode value for a regular file or directory with these permission bits, e.g. `0100600`. */
export function inodeModeArg(kind: 'file' | 'dir', permissions: number): string {
  return (kind === 'file' ? '0100' : '040') + permissions.toString(8).padStart(3, '0');
}

/** The `image?offset=N` name libext2fs's unix I/O manager understands (debugfs, e2fsck, dumpe2fs). */
export function imageSpec(image: string, offset: number): string {
  return offset === 0 ? image : `${image}?offset=${offset}`;
}

export type DebugfsVersion = readonly [major: number, minor: number, patch: number];

/** The version from debugfs's banner (`debugfs 1.47.0 (5-Feb-2023)`), or null. */
export function parseBannerVersion(line: string): DebugfsVersion | null {
  const match = /^r?debugfs (\d+)\.(\d+)(?:\.(\d+))?\b/.exec(line.trim());
  if (!match) return null;
  return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
}

/** True when the line is debugfs's start-up banner, printed on stderr by every run. */
export function isBanner(line: string): boolean {
  return /^r?debugfs \d+\.\d+\S* \(.*\)\s*$/.test(line.trim());
}

/**
 * Before 1.46.2, `write <host> <dir/name>` linked an entry literally named "dir/name" into the current directory
 * (fixed by e2fsprogs commit bc50f5ab); there we must `cd` to the parent and write a bare name.
 */
export function writeTakesFullPath(version: DebugfsVersion | null): boolean {
  if (!version) return false;
  const [major, minor, patch] = version;
  return major > 1 || minor > 46 || (minor === 46 && patch >= 2);
}
