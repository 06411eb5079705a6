import { useEffect, useState } from 'react';
import type { ErrorInfo, ImageInspection } from '../../src/contract/index.js';
import { call, companion, errorInfo } from './companion.js';
import { formatBytes } from './format.js';

/** What is known about the image a path field names, as the user types or picks it. */
export type ImageCheck =
  | { state: 'idle' }
  | { state: 'checking'; path: string }
  | { state: 'checked'; path: string; inspection: ImageInspection }
  /** The question itself failed (the core was unreachable), not the image. */
  | { state: 'failed'; path: string; error: ErrorInfo };

/** Long enough that typing a path does not ask the core about every prefix of it. */
const DEBOUNCE_MS = 300;

/**
 * Inspects the image at `path` (format by content, size, partition table) the moment it is chosen, so a text file or
 * a web page saved as `.img.zst` is refused at the field. Waits until typing pauses; an answer for a path that is no
 * longer in the field is dropped. An empty path is `idle`.
 */
export function useImageInspection(path: string): ImageCheck {
  const wanted = path.trim();
  // The last answer, for whichever path it was asked; one for another path means this one is still being checked.
  const [answer, setAnswer] = useState<Exclude<ImageCheck, { state: 'idle' | 'checking' }> | null>(null);
  useEffect(() => {
    if (!wanted) return;
    let live = true;
    const timer = setTimeout(() => {
      call(companion().image.inspect({ path: wanted }))
        .then((inspection) => live && setAnswer({ state: 'checked', path: wanted, inspection }))
        .catch((e: unknown) => live && setAnswer({ state: 'failed', path: wanted, error: errorInfo(e) }));
    }, DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [wanted]);
  if (!wanted) return { state: 'idle' };
  return answer?.path === wanted ? answer : { state: 'checking', path: wanted };
}

/** The problem a check found, if any: the image's own, or why it could not be asked. */
export function imageProblem(check: ImageCheck): ErrorInfo | null {
  if (check.state === 'failed') return check.error;
  if (check.state === 'checked') return check.inspection.problem;
  return null;
}

const FORMAT_WORDS: Record<NonNullable<ImageInspection['format']>, string> = {
  raw: 'Raw image',
  zstd: 'zstd image',
  xz: 'xz image',
  gzip: 'gzip image',
};

/** "zstd image, 2.1 GB, 2 partitions, root NIXOS_SD": what the file is, in one line. */
export function describeImage(inspection: ImageInspection): string {
  const parts = [inspection.format ? FORMAT_WORDS[inspection.format] : 'Image'];
  parts.push(
    inspection.imageBytes === null
      ? `${formatBytes(inspection.fileBytes)} compressed`
      : formatBytes(inspection.imageBytes),
  );
  const count = inspection.partitions.length;
  if (count > 0) parts.push(`${count} partition${count === 1 ? '' : 's'}`);
  const root = inspection.partitions.findLast((p) => p.ext4Label)?.ext4Label;
  if (root) parts.push(`root ${root}`);
  return parts.join(', ');
}

/** Said once for a compressed image: only its start could be looked at now. */
export const COMPRESSED_NOTE =
  'Compressed: the rest of the image is checked while it is read, and a damaged file stops there.';
