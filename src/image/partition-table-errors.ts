import { ImageError, formatSize } from './image-errors.js';

/**
 * The partition table reaches past the end of the image: the mark of a cut-off download, copy or build. Carries the
 * sizes so a flash can say how much is missing before it writes anything.
 */
export class ImageTruncatedError extends ImageError {
  /** How many bytes the image lacks to hold what its table describes. */
  readonly missingBytes: number;

  constructor(
    /** Bytes the image has. */
    readonly imageSize: number,
    /** Bytes its partition table needs (the end of the furthest partition or of the GPT entry array). */
    readonly neededSize: number,
    /** What needs them: "partition 2", "its GPT partition entries". */
    readonly what: string,
    /** A sentence on what this means here, e.g. that nothing was written. */
    consequence = '',
  ) {
    const missing = neededSize - imageSize;
    super(
      'image-truncated',
      `The image ends at ${formatSize(imageSize)} (${imageSize} bytes) but ${what} needs ${formatSize(neededSize)} ` +
        `(${neededSize} bytes): ${missing} bytes (${formatSize(missing)}) are missing, so it was cut short.` +
        (consequence ? ` ${consequence}` : ''),
      'Download or build the image again.',
    );
    this.missingBytes = missing;
  }
}
