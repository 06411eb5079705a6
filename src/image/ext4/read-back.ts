import { createHash } from 'node:crypto';
import { describeExt4Target, runDebugfsRequest, runDebugfsScript } from './debugfs.js';
import { type DebugfsVersion, debugfsCommand } from './debugfs-syntax.js';
import { Ext4Error } from './ext4-error.js';
import type { Ext4Target, InodeInfo, ReadBackFile } from './ext4-types.js';
import { resolveTarget } from './ext4-target.js';

// Callers verify with the same module they read back with.
export { checkFilesystem } from './check-filesystem.js';
export { verifyInjectedFiles, describeMismatches, type Mismatch } from './verify-files.js';
import { isMissingPathError, parseStatOutput } from './stat-output.js';

/**
 * `stat`s every path in one debugfs run: type, mode and owner, or null when nothing is there. Symlinks are not
 * followed (debugfs looks up the last component without following it). Expects a resolved target.
 */
export async function lookUpPaths(
  target: Ext4Target,
  paths: readonly string[],
  signal?: AbortSignal,
): Promise<{ found: Map<string, InodeInfo | null>; version: DebugfsVersion | null }> {
  const output = await runDebugfsScript(
    target,
    paths.map((path) => debugfsCommand('stat', path)),
    { signal },
  );
  const found = new Map<string, InodeInfo | null>();
  output.commands.forEach(({ command, stdout, errors }, i) => {
    const path = paths[i] ?? '';
    if (errors.length > 0 && errors.every(isMissingPathError)) return found.set(path, null);
    const info = errors.length === 0 ? parseStatOutput(stdout) : null;
    if (!info) {
      throw new Ext4Error(
        'ext4-command-failed',
        `debugfs could not do \`${command}\` in ${describeExt4Target(target)}: ${errors.join('; ') || 'unreadable output'}`,
        'The file system may be damaged; check the image with e2fsck.',
        { command, toolMessage: errors.join('\n') || stdout },
      );
    }
    found.set(path, info);
  });
  return { found, version: output.version };
}

/** Streams a regular file's bytes out of the image through a hash; nothing is kept in memory or on disk. */
async function hashFile(target: Ext4Target, path: string, size: number, signal?: AbortSignal) {
  const hash = createHash('sha256');
  let bytes = 0;
  const request = debugfsCommand('cat', path);
  const { errors } = await runDebugfsRequest(target, request, {
    signal,
    onStdoutData: (chunk) => {
      hash.update(chunk);
      bytes += chunk.length;
    },
  });
  if (errors.length > 0 || bytes !== size) {
    const reason = errors.join('; ') || `read ${bytes} bytes of ${size}`;
    throw new Ext4Error(
      'ext4-command-failed',
      `debugfs could not read ${path} back from ${describeExt4Target(target)}: ${reason}`,
      'The file system may be damaged; check the image with e2fsck.',
      { command: request, toolMessage: reason },
    );
  }
  return hash.digest('hex');
}

/**
 * Reads what the image holds at each path (files, directories, symlinks), hashing regular files' bytes. With
 * `acceptBlockDevice`, `image` may be a card.
 */
export async function readBackFiles(options: {
  image: string;
  offset: number;
  paths: readonly string[];
  signal?: AbortSignal;
  acceptBlockDevice?: boolean;
}): Promise<ReadBackFile[]> {
  const target = await resolveTarget(options);
  const { found } = await lookUpPaths(target, options.paths, options.signal);
  const files: ReadBackFile[] = [];
  for (const path of options.paths) {
    const info = found.get(path) ?? null;
    if (!info)
      files.push({ path, exists: false, type: 'other', mode: 0, uid: 0, gid: 0, size: 0, sha256: null });
    else {
      const sha256 = info.type === 'file' ? await hashFile(target, path, info.size, options.signal) : null;
      files.push({ path, exists: true, ...info, sha256 });
    }
  }
  return files;
}

/**
 * True when something (of any type) exists at `path`; throws `ext4-open-failed` when there is no readable ext4 at the
 * offset, so a root-partition search can tell "not this partition" from "not there".
 */
export async function pathExists(options: {
  image: string;
  offset: number;
  path: string;
  signal?: AbortSignal;
}): Promise<boolean> {
  const target = await resolveTarget(options);
  const { found } = await lookUpPaths(target, [options.path], options.signal);
  return found.get(options.path) != null;
}
