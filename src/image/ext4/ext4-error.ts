import { CompanionError } from '../../errors.js';

export type Ext4ErrorCode =
  /** A path, mode or owner the policy refuses; nothing was touched. */
  | 'ext4-path-refused'
  /** The image file itself is unusable (missing, not a file, a name debugfs cannot take, offset outside it). */
  | 'ext4-bad-image'
  /** No readable ext4 file system at that offset. */
  | 'ext4-open-failed'
  /** A debugfs command reported an error (debugfs itself still exits 0). */
  | 'ext4-command-failed'
  /** Something other than a directory is in the way of a directory, or a non-file where a file goes. */
  | 'ext4-wrong-type'
  /** debugfs crashed, was killed or its output could not be understood. */
  | 'ext4-debugfs-failed'
  /** What was read back differs from what was meant to be written. */
  | 'ext4-verify-failed'
  /** e2fsck found the file system damaged or could not check it. */
  | 'ext4-fsck-failed';

/** A failure while reading or writing an ext4 file system inside an image; names the debugfs command when one failed. */
export class Ext4Error extends CompanionError {
  constructor(
    override readonly code: Ext4ErrorCode,
    message: string,
    hint: string,
    readonly detail: { command?: string; toolMessage?: string } = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, hint, options);
  }
}

/** The hint for any failure after the image was (maybe) changed: in-place edits cannot be rolled back. */
export const PARTLY_WRITTEN_HINT =
  'The image may be partly changed. Do not flash it: start again from a fresh copy of the image.';
