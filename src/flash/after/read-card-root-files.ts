import {
  Ext4Error,
  ext4PartitionsOf,
  type Partition,
  type ReadBackFile,
  readBackFiles,
  readPartitionTableOf,
  withDiskReader,
} from '../../image/index.js';
import { FlashError } from '../flash-errors.js';

const FLASH_AGAIN = 'Flash the card again; if it happens twice, the card is failing.';

/**
 * The ext4 root partition on a flashed card. The provisioned image told us where its root was, so the card must have
 * an ext4 partition at that offset.
 */
async function findRootPartitionOnCard(device: string, expectedOffset: number): Promise<Partition> {
  return withDiskReader(device, async (disk) => {
    const table = await readPartitionTableOf(disk).catch((error: unknown) => {
      throw new FlashError(
        'flash-bootstrap-mismatch',
        `The partition table on ${device} cannot be read after flashing: ${(error as Error).message}`,
        FLASH_AGAIN,
        { cause: error },
      );
    });
    const root = (await ext4PartitionsOf(disk, table)).find((p) => p.partition.offset === expectedOffset);
    if (!root) {
      throw new FlashError(
        'flash-bootstrap-mismatch',
        `${device} has no ext4 root partition at byte ${expectedOffset}, where the provisioned image had it.`,
        FLASH_AGAIN,
      );
    }
    return root.partition;
  });
}

/** What the card's root partition (expected at `rootOffset`) holds at each path, regular files hashed. */
export async function readFilesOnCardRoot(options: {
  device: string;
  rootOffset: number;
  paths: readonly string[];
  signal?: AbortSignal;
}): Promise<ReadBackFile[]> {
  const { device, paths, signal } = options;
  const root = await findRootPartitionOnCard(device, options.rootOffset);
  try {
    return await readBackFiles({
      image: device,
      offset: root.offset,
      paths,
      signal,
      acceptBlockDevice: true,
    });
  } catch (error) {
    // A file the card's ext4 cannot give back is a card that does not hold what was written.
    if (error instanceof Ext4Error && error.code === 'ext4-command-failed')
      throw new FlashError('flash-bootstrap-mismatch', error.message, FLASH_AGAIN, { cause: error });
    throw error;
  }
}
