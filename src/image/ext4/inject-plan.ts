import { debugfsCommand, inodeModeArg } from './debugfs-syntax.js';
import { Ext4Error } from './ext4-error.js';
import type { ExpectedDir, InjectFile, InodeInfo } from './ext4-types.js';
import { parentDirs } from './path-policy.js';

/** How directories we create must look: like the rest of a NixOS root. */
export const NEW_DIR_MODE = 0o755;

/** What the injection changes besides writing the files themselves. */
export interface InjectionPlan {
  /** Missing directories, outermost first; created 0755 root:root. */
  createDirs: string[];
  /** Regular files already at a target path; removed first because debugfs `write` refuses to overwrite. */
  replaceFiles: string[];
}

/** How `write` gets its destination: a full path (debugfs ≥ 1.46.2) or `cd` to the parent and a bare name. */
export type WriteStyle = 'full-path' | 'cd';

const depth = (path: string) => path.split('/').length;

/** Every path whose current state the plan needs: each parent directory and each target, shallowest first. */
export function pathsToLookUp(files: readonly InjectFile[]): string[] {
  const all = new Set(files.flatMap((file) => [...parentDirs(file.path), file.path]));
  return [...all].sort((a, b) => depth(a) - depth(b) || a.localeCompare(b));
}

function describe(info: InodeInfo): string {
  return info.type === 'dir' ? 'a directory' : info.type === 'symlink' ? 'a symlink' : `a ${info.type}`;
}

function wrongType(path: string, found: string, wanted: string): Ext4Error {
  return new Ext4Error(
    'ext4-wrong-type',
    `${path} in the image is ${found}, not ${wanted}; refusing to replace or write through it.`,
    'This image is not laid out as expected. Nothing was written; check the image or remove that entry yourself.',
  );
}

/**
 * Decides what to create and replace from the looked-up state (`null` = missing). Pure; throws `ext4-wrong-type`
 * when something other than a directory sits where a directory must be, or a non-file where a file goes.
 */
export function planInjection(
  files: readonly InjectFile[],
  existing: ReadonlyMap<string, InodeInfo | null>,
): InjectionPlan {
  const lookup = (path: string) => {
    const info = existing.get(path);
    if (info === undefined) throw new Error(`planInjection: ${path} was not looked up`);
    return info;
  };
  const dirs = new Set(files.flatMap((file) => parentDirs(file.path)));
  const createDirs: string[] = [];
  for (const dir of pathsToLookUp(files).filter((path) => dirs.has(path))) {
    const info = lookup(dir);
    if (info === null) createDirs.push(dir);
    else if (info.type !== 'dir') throw wrongType(dir, describe(info), 'a directory');
  }
  const replaceFiles: string[] = [];
  for (const file of files) {
    const info = lookup(file.path);
    if (info === null) continue;
    if (info.type !== 'file') throw wrongType(file.path, describe(info), 'a regular file');
    replaceFiles.push(file.path);
  }
  return { createDirs, replaceFiles };
}

/** The directories the plan creates, as they must read back. */
export function expectedNewDirs(plan: InjectionPlan): ExpectedDir[] {
  return plan.createDirs.map((path) => ({ path, mode: NEW_DIR_MODE, uid: 0, gid: 0 }));
}

function ownership(path: string, kind: 'file' | 'dir', mode: number, uid: number, gid: number): string[] {
  // `write` copies the host file's mode and mkdir applies a umask, so every mode and owner is set explicitly.
  // sif's `uid`/`gid` fields set both the low and the high 16 bits.
  return [
    debugfsCommand('sif', path, 'mode', inodeModeArg(kind, mode)),
    debugfsCommand('sif', path, 'uid', uid),
    debugfsCommand('sif', path, 'gid', gid),
  ];
}

/**
 * The debugfs scripts that carry out the plan; `hostPaths[i]` holds the content of `files[i]`. Two scripts, run one
 * after the other: `prepare` (directories, removals) must succeed before `write` runs, so a failure there stops
 * before any file is written — and, with the `cd` style, no `write` can land in the wrong directory after a failed `cd`.
 */
export function injectionCommands(
  plan: InjectionPlan,
  files: readonly InjectFile[],
  hostPaths: readonly string[],
  style: WriteStyle,
): { prepare: string[]; write: string[] } {
  const prepare: string[] = [];
  for (const dir of plan.createDirs) {
    // mkdir only for directories we saw missing: in 1.47.0 a failing mkdir leaks an inode (e2fsck then complains).
    prepare.push(debugfsCommand('mkdir', dir), ...ownership(dir, 'dir', NEW_DIR_MODE, 0, 0));
  }
  for (const path of plan.replaceFiles) prepare.push(debugfsCommand('rm', path));
  const write: string[] = [];
  files.forEach((file, i) => {
    const host = hostPaths[i];
    if (host === undefined) throw new Error(`injectionCommands: no host file for ${file.path}`);
    if (style === 'full-path') write.push(debugfsCommand('write', host, file.path));
    else {
      const slash = file.path.lastIndexOf('/');
      write.push(
        debugfsCommand('cd', file.path.slice(0, slash)),
        debugfsCommand('write', host, file.path.slice(slash + 1)),
        debugfsCommand('cd', '/'),
      );
    }
    write.push(...ownership(file.path, 'file', file.mode, file.uid, file.gid));
  });
  return { prepare, write };
}
