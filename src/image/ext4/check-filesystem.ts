import { findTool, runTool } from '../../tools/index.js';
import { imageSpec } from './debugfs-syntax.js';
import { describeExt4Target } from './debugfs.js';
import { Ext4Error } from './ext4-error.js';
import { resolveTarget } from './ext4-target.js';

// e2fsck(8) exit status: a bit mask.
const EXIT_BITS: readonly [number, string][] = [
  [1, 'errors were corrected'],
  [2, 'errors were corrected and the system should be rebooted'],
  [4, 'errors were left uncorrected'],
  [8, 'e2fsck could not check it (operational error)'],
  [16, 'e2fsck was called wrongly (usage error)'],
  [32, 'the check was cancelled'],
  [128, 'e2fsck failed to load a shared library'],
];

/**
 * What an `e2fsck -n` exit means. Only 0 is clean: with -n nothing is ever fixed, so 1 or 2 would mean the check
 * did not run as asked, and we fail closed.
 */
export function describeFsckExit(code: number | null, signal: string | null = null): string[] {
  if (code === null) return [`e2fsck was stopped by ${signal ?? 'a signal'}`];
  const problems = EXIT_BITS.filter(([bit]) => (code & bit) !== 0).map(([, text]) => text);
  return code !== 0 && problems.length === 0 ? [`e2fsck exited with code ${code}`] : problems;
}

/** The lines worth showing: why it could not open, if that was it; else the end of the report. */
function excerpt(stdout: string, stderr: string): string {
  const lines = `${stdout}\n${stderr}`
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line && !/^e2fsck \d+\.\d+\S* \(/.test(line));
  // Past an open failure e2fsck prints a generic paragraph about alternate superblocks; the cause is one line.
  const open = lines.filter((line) => /while trying to open|^Found an? .* in /.test(line));
  return (open.length > 0 ? open : lines.slice(-8)).join('\n');
}

/**
 * Runs a forced, read-only check (`e2fsck -fn "image?offset=N"`) and throws `ext4-fsck-failed` with e2fsck's last
 * lines unless the file system is clean.
 */
export async function checkFilesystem(options: {
  image: string;
  offset: number;
  signal?: AbortSignal;
}): Promise<void> {
  const target = await resolveTarget(options);
  const e2fsck = await findTool('e2fsck');
  const result = await runTool(e2fsck, ['-fn', imageSpec(target.image, target.offset)], {
    env: { LC_ALL: 'C', LANGUAGE: undefined },
    signal: options.signal,
  });
  const problems = describeFsckExit(result.code, result.signal);
  if (problems.length === 0) return;
  const tail = excerpt(result.stdout, result.stderr);
  const cannotCheck = result.code !== null && (result.code & 8) !== 0;
  throw new Ext4Error(
    'ext4-fsck-failed',
    `The ext4 file system in ${describeExt4Target(target)} is not clean: ${problems.join('; ')}.${tail ? `\n${tail}` : ''}`,
    cannotCheck
      ? 'Check that this is the right image and partition offset; the image may be truncated or damaged.'
      : 'The image is damaged: do not flash it. Rebuild the image or start again from a fresh copy.',
    { toolMessage: tail },
  );
}
