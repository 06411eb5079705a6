import type { DiskReader } from './disk-reader.js';
import { type Ext4Superblock, readExt4Superblock } from './ext4-superblock.js';
import type { Partition, PartitionTable } from './partition-table.js';

export interface Ext4Partition {
  partition: Partition;
  superblock: Ext4Superblock;
}

/** The partitions of `table` that hold ext2/3/4, in table order, each with its superblock. */
export async function ext4PartitionsOf(disk: DiskReader, table: PartitionTable): Promise<Ext4Partition[]> {
  const found: Ext4Partition[] = [];
  for (const partition of table.partitions) {
    const superblock = await readExt4Superblock(disk, partition.offset);
    if (superblock) found.push({ partition, superblock });
  }
  return found;
}
