import { open } from 'node:fs/promises';
import { readExt4Superblock } from '../../image/ext4-superblock.js';
import { gptBytesNeeded, hasGptSignature } from '../../image/partition-table-gpt.js';
import { PARTITION_TABLE_BYTES, type Partition, parsePartitionTable } from '../../image/partition-table.js';
import { deviceSize } from '../write/device-size.js';
import { FlashError } from '../flash-errors.js';

async function readAt(device: string, length: number): Promise<Buffer> {
  const handle = await open(device, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * The ext4 root partition on a flashed card. `findRootPartition` cannot be used here: it sizes the image with fstat,
 * which says 0 for a block device, and its fallback search goes through a helper that refuses non-regular files.
 * The provisioned image told us where its root was, so the card must have an ext4 partition at that offset.
 */
export async function findRootPartitionOnCard(device: string, expectedOffset: number): Promise<Partition> {
  const size = await deviceSize(device);
  let head = await readAt(device, PARTITION_TABLE_BYTES);
  if (hasGptSignature(head) && gptBytesNeeded(head) > head.length)
    head = await readAt(device, gptBytesNeeded(head));
  const table = (() => {
    try {
      return parsePartitionTable(head, size);
    } catch (error) {
      throw new FlashError(
        'flash-bootstrap-mismatch',
        `The partition table on ${device} cannot be read after flashing: ${(error as Error).message}`,
        'Flash the card again; if it happens twice, the card is failing.',
        { cause: error },
      );
    }
  })();
  const root = table.partitions.find((p) => p.offset === expectedOffset);
  if (!root || !(await readExt4Superblock(device, root.offset))) {
    throw new FlashError(
      'flash-bootstrap-mismatch',
      `${device} has no ext4 root partition at byte ${expectedOffset}, where the provisioned image had it.`,
      'Flash the card again; if it happens twice, the card is failing.',
    );
  }
  return root;
}
