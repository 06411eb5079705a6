import { CancelledError } from '../../errors.js';
import { withSecureTempDir, writeSecretFile } from '../../secrets/index.js';
import { checkFilesystem } from './check-filesystem.js';
import { assertCommandsSucceeded, describeExt4Target, runDebugfsScript } from './debugfs.js';
import { writeTakesFullPath } from './debugfs-syntax.js';
import { Ext4Error, PARTLY_WRITTEN_HINT } from './ext4-error.js';
import type { Ext4Target, InjectFile, ReadBackFile } from './ext4-types.js';
import { resolveTarget } from './ext4-target.js';
import { expectedNewDirs, injectionCommands, pathsToLookUp, planInjection } from './inject-plan.js';
import { checkInjectFiles } from './path-policy.js';
import { lookUpPaths, readBackFiles } from './read-back.js';
import { describeMismatches, verifyInjectedFiles } from './verify-files.js';

export type { InjectFile } from './ext4-types.js';

export interface InjectFilesOptions {
  image: string;
  /** Byte offset of the ext4 partition inside the image (0 for a bare file system). */
  offset: number;
  files: readonly InjectFile[];
  signal?: AbortSignal;
  /** Receives what is done (paths, modes, owners, sizes); never file contents. */
  log?: (message: string) => void;
}

const octal = (mode: number) => `0${mode.toString(8).padStart(3, '0')}`;

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError('Cancelled before anything was written to the image.');
}

/** Writes the files with debugfs; not cancellable, so debugfs is never killed halfway through its writes. */
async function writeFiles(
  target: Ext4Target,
  files: readonly InjectFile[],
  plan: ReturnType<typeof planInjection>,
  fullPath: boolean,
  signal: AbortSignal | undefined,
  log: (message: string) => void,
): Promise<void> {
  await withSecureTempDir(async (dir) => {
    const hostPaths = await Promise.all(
      files.map((file, i) => writeSecretFile(dir, `file-${i}`, file.content)),
    );
    const { prepare, write } = injectionCommands(plan, files, hostPaths, fullPath ? 'full-path' : 'cd');
    for (const path of plan.createDirs) log(`Creating directory ${path} (0755, owner 0:0)`);
    for (const path of plan.replaceFiles) log(`Removing the existing file ${path} to replace it`);
    for (const file of files) {
      // A secret's length says too much (a Wi-Fi password's): only files anyone may read show their size.
      const size = file.mode & 0o004 ? `, ${file.content.length} bytes` : '';
      log(`Writing ${file.path} (${octal(file.mode)}, owner ${file.uid}:${file.gid}${size})`);
    }
    throwIfCancelled(signal); // the last moment at which the image is untouched
    // Both scripts take well under a second; no signal passed on purpose (see above).
    if (prepare.length > 0) {
      assertCommandsSucceeded(
        await runDebugfsScript(target, prepare, { write: true }),
        target,
        PARTLY_WRITTEN_HINT,
      );
    }
    assertCommandsSucceeded(
      await runDebugfsScript(target, write, { write: true }),
      target,
      PARTLY_WRITTEN_HINT,
    );
  });
}

/**
 * Puts first-boot files into the ext4 root of an image in place (no root, no mount) and proves it: the policy is
 * checked before the image is touched, e2fsck must find it clean before and after, and every file and new directory
 * is read back and compared (bytes, mode, owner). Resolves only when all of that holds.
 */
/** Writes the files and proves it: resolves with what was read back (bytes hashed, modes, owners) after e2fsck. */
export async function injectFiles(options: InjectFilesOptions): Promise<ReadBackFile[]> {
  const { files, signal } = options;
  const log = options.log ?? (() => {});
  checkInjectFiles(files);
  const target = await resolveTarget(options);
  throwIfCancelled(signal);

  log(`Checking the ext4 file system in ${describeExt4Target(target)} before writing`);
  // Both only read: e2fsck on one core, the look-ups on the other. The check's verdict comes first.
  const [checked, looked] = await Promise.allSettled([
    checkFilesystem({ ...target, signal }),
    lookUpPaths(target, pathsToLookUp(files), signal),
  ]);
  if (checked.status === 'rejected') {
    const error: unknown = checked.reason;
    if (!(error instanceof Ext4Error)) throw error;
    throw new Ext4Error(error.code, `Nothing was written. ${error.message}`, error.hint, error.detail);
  }
  if (looked.status === 'rejected') throw looked.reason;
  const { found, version } = looked.value;
  const plan = planInjection(files, found);
  await writeFiles(target, files, plan, writeTakesFullPath(version), signal, log);

  let actual: ReadBackFile[];
  try {
    log('Reading the files back and checking the ext4 file system after writing');
    const paths = [...plan.createDirs, ...files.map((file) => file.path)];
    // Both only read the finished image, so they run side by side; a wrong file is reported before a dirty check.
    const [readBack, checked] = await Promise.allSettled([
      readBackFiles({ ...target, paths, signal }),
      checkFilesystem({ ...target, signal }),
    ]);
    if (readBack.status === 'rejected') throw readBack.reason;
    actual = readBack.value;
    const mismatches = verifyInjectedFiles(files, actual, expectedNewDirs(plan));
    if (mismatches.length > 0) {
      throw new Ext4Error(
        'ext4-verify-failed',
        `The files read back from ${describeExt4Target(target)} differ from what was written: ${describeMismatches(mismatches)}`,
        PARTLY_WRITTEN_HINT,
      );
    }
    if (checked.status === 'rejected') throw checked.reason;
  } catch (error) {
    if (!(error instanceof CancelledError)) throw error;
    throw new CancelledError(
      'Cancelled after the files were written, before they were verified.',
      'Run the injection again (it replaces the files and verifies them) or start from a fresh copy of the image.',
    );
  }
  log(`Wrote and verified ${files.length} file(s); e2fsck finds the file system clean.`);
  const written = new Set(files.map((file) => file.path));
  return actual.filter((file) => written.has(file.path));
}
