import {
  ext4PartitionsOf,
  ImageError,
  pathExists,
  readPartitionTable,
  withDiskReader,
} from '../image/index.js';

export interface RootPartition {
  index: number;
  offset: number;
  size: number;
  label: string;
}

/**
 * The ext4 root of a NixOS image: the partition labelled NIXOS_SD, else the ext4 partition that holds /nix/store or
 * /etc. A FAT-only or foreign image is refused, never guessed at.
 */
export async function findRootPartition(image: string): Promise<RootPartition> {
  const table = await readPartitionTable(image);
  const ext4: RootPartition[] = (await withDiskReader(image, (disk) => ext4PartitionsOf(disk, table))).map(
    ({ partition, superblock }) => ({
      index: partition.index,
      offset: partition.offset,
      size: partition.size,
      label: superblock.label,
    }),
  );
  const labelled = ext4.find((candidate) => candidate.label === 'NIXOS_SD');
  if (labelled) return labelled;
  for (const candidate of ext4) {
    for (const path of ['/nix/store', '/etc']) {
      if (await pathExists({ image, offset: candidate.offset, path })) return candidate;
    }
  }
  throw new ImageError(
    'image-no-ext4-root',
    ext4.length
      ? `The image has ext4 partitions (${ext4.map((p) => `p${p.index}`).join(', ')}) but none holds /nix/store or /etc.`
      : `The image has no ext4 partition (${table.partitions.length} partitions, ${table.scheme.toUpperCase()} table).`,
    'Use a NixOS sdImage (its root is the ext4 partition labelled NIXOS_SD); Raspberry Pi OS images are not supported here.',
  );
}
