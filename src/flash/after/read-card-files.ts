import { createHash } from 'node:crypto';
import { isAbsolute } from 'node:path';
import { runDebugfsRequest } from '../../image/ext4/debugfs.js';
import { debugfsCommand } from '../../image/ext4/debugfs-syntax.js';
import type { ReadBackFile } from '../../image/ext4/ext4-types.js';
import { lookUpPaths } from '../../image/ext4/read-back.js';
import { FlashError } from '../flash-errors.js';

/**
 * Like `readBackFiles`, but on a block device: that one's target check accepts regular files only, while debugfs
 * itself opens `/dev/sdb?offset=N` just as well.
 */
export async function readFilesOnCard(options: {
  device: string;
  offset: number;
  paths: readonly string[];
  signal?: AbortSignal;
}): Promise<ReadBackFile[]> {
  // libext2fs splits the name at the first '?', and a relative name could pass for an option.
  if (!isAbsolute(options.device) || options.device.includes('?')) {
    throw new FlashError(
      'flash-bootstrap-unreadable',
      `${options.device} cannot be opened by debugfs.`,
      'Use the absolute device path.',
    );
  }
  const target = { image: options.device, offset: options.offset };
  const { found } = await lookUpPaths(target, options.paths, options.signal);
  const files: ReadBackFile[] = [];
  for (const path of options.paths) {
    const info = found.get(path) ?? null;
    if (!info) {
      files.push({ path, exists: false, type: 'other', mode: 0, uid: 0, gid: 0, size: 0, sha256: null });
      continue;
    }
    let sha256: string | null = null;
    if (info.type === 'file') {
      const hash = createHash('sha256');
      let bytes = 0;
      const { errors } = await runDebugfsRequest(target, debugfsCommand('cat', path), {
        signal: options.signal,
        onStdoutData: (chunk) => {
          hash.update(chunk);
          bytes += chunk.length;
        },
      });
      if (errors.length > 0 || bytes !== info.size) {
        throw new FlashError(
          'flash-bootstrap-mismatch',
          `${path} on ${options.device} cannot be read back: ${errors.join('; ') || `read ${bytes} of ${info.size} bytes`}.`,
          'Flash the card again; if it happens twice, the card is failing.',
        );
      }
      sha256 = hash.digest('hex');
    }
    files.push({ path, exists: true, ...info, sha256 });
  }
  return files;
}
