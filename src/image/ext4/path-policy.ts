import { hasUnsafeChar } from './debugfs-syntax.js';
import { Ext4Error } from './ext4-error.js';
import type { InjectFile } from './ext4-types.js';

/**
 * Where first-boot files may go. Not /etc: NixOS builds /etc from its configuration on activation, so files put there
 * are replaced or clash; state belongs under /var/lib and the configuration points at it.
 */
export const ALLOWED_PREFIXES: readonly string[] = ['/var/lib/'];

// ext4 names are at most 255 bytes; the total keeps every debugfs command line short (see MAX_COMMAND_BYTES).
const MAX_NAME_BYTES = 255;
const MAX_PATH_BYTES = 400;
const MAX_ID = 0xfffffffe; // 0xffffffff is (uid_t)-1, "no change" to chown

/** Why `path` may not be written, or null when it may. Pure, for table tests. */
export function pathRefusal(path: string): string | null {
  if (typeof path !== 'string' || path === '') return 'the path is empty';
  if (hasUnsafeChar(path)) return 'it contains a double quote or a control character';
  if (!path.startsWith('/')) return 'it is not absolute';
  const parts = path.split('/').slice(1);
  if (parts.some((part) => part === '' || part === '.' || part === '..')) {
    return 'it is not normalized (empty, "." or ".." components, or a trailing slash)';
  }
  if (!ALLOWED_PREFIXES.some((prefix) => path.startsWith(prefix) && path.length > prefix.length)) {
    return `only files under ${ALLOWED_PREFIXES.join(', ')} may be written`;
  }
  if (parts.some((part) => Buffer.byteLength(part) > MAX_NAME_BYTES)) return 'a name in it is over 255 bytes';
  if (Buffer.byteLength(path) > MAX_PATH_BYTES) return `it is longer than ${MAX_PATH_BYTES} bytes`;
  return null;
}

/** Why this file's mode, owner or content is refused, or null. */
function fileRefusal(file: InjectFile): string | null {
  if (!Number.isInteger(file.mode) || file.mode < 0 || file.mode > 0o777) {
    return `mode ${String(file.mode)} is not plain permission bits (0 to 0o777; no setuid, setgid or sticky)`;
  }
  for (const [name, id] of [
    ['uid', file.uid],
    ['gid', file.gid],
  ] as const) {
    if (!Number.isInteger(id) || id < 0 || id > MAX_ID) return `${name} ${String(id)} is not a valid id`;
  }
  if (!(file.content instanceof Uint8Array)) return 'its content is not bytes';
  return null;
}

function refuse(path: string, reason: string): Ext4Error {
  const hint = ALLOWED_PREFIXES.some((prefix) => path.startsWith(prefix))
    ? 'Fix the file list; nothing was written.'
    : `Put the file under ${ALLOWED_PREFIXES.join(' or ')} and point the NixOS configuration at it; nothing was written.`;
  return new Ext4Error('ext4-path-refused', `Refusing to write ${JSON.stringify(path)}: ${reason}.`, hint);
}

/** The directories above `path`, outermost first, without `/`: `/var/lib/a/b` → `/var`, `/var/lib`, `/var/lib/a`. */
export function parentDirs(path: string): string[] {
  const parts = path.split('/').slice(1, -1);
  return parts.map((_, i) => `/${parts.slice(0, i + 1).join('/')}`);
}

/** Throws `ext4-path-refused` for the first file the policy refuses; run before the image is touched. */
export function checkInjectFiles(files: readonly InjectFile[]): void {
  if (files.length === 0)
    throw new Ext4Error('ext4-path-refused', 'No files to write.', 'Nothing was written.');
  const paths = new Set<string>();
  for (const file of files) {
    const reason = pathRefusal(file.path) ?? fileRefusal(file);
    if (reason) throw refuse(String(file.path), reason);
    if (paths.has(file.path)) throw refuse(file.path, 'it is listed twice');
    paths.add(file.path);
  }
  for (const file of files) {
    const clash = parentDirs(file.path).find((dir) => paths.has(dir));
    if (clash) throw refuse(file.path, `${clash} is also listed as a file`);
  }
}
