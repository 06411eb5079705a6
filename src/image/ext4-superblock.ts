import type { DiskReader } from './disk-reader.js';
import { imageAccessError } from './image-errors.js';
import { featureNames } from './ext4-superblock-features.js';

/** What the app needs to know about an ext2/3/4 file system before editing it with debugfs. */
export interface Ext4Superblock {
  label: string;
  /** Lowercase, dashed, as blkid prints it. */
  uuid: string;
  blockSize: number;
  blocksCount: number;
  sizeBytes: number;
  inodeSize: number;
  featuresCompat: string[];
  featuresIncompat: string[];
  featuresRoCompat: string[];
  /** With metadata_csum: whether the superblock's own CRC32C matches; null without the feature. */
  checksumOk: boolean | null;
  /** The kernel or e2fsck recorded errors (s_state bit 2): e2fsck should run before anything writes to it. */
  errorsRecorded: boolean;
}

/** The superblock is always 1024 bytes at byte 1024 of the file system, whatever its block size. */
export const SUPERBLOCK_OFFSET = 1024;
export const SUPERBLOCK_SIZE = 1024;
const EXT4_MAGIC = 0xef53;
const INCOMPAT_64BIT = 0x80;
const RO_COMPAT_METADATA_CSUM = 0x400;
const CHECKSUM_AT = 0x3fc;

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC32C without the final inversion, the way ext4 chains it (ext4_chksum(~0, …)). */
export function ext4Crc32c(data: Buffer, seed = 0xffffffff): number {
  let crc = seed >>> 0;
  for (const byte of data) crc = (CRC32C_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return crc >>> 0;
}

function formatUuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Parses the 1024-byte superblock; null when it is not an ext2/3/4 one (no 0xEF53 magic or nonsense geometry). */
export function parseExt4Superblock(sb: Buffer): Ext4Superblock | null {
  if (sb.length < SUPERBLOCK_SIZE || sb.readUInt16LE(56) !== EXT4_MAGIC) return null;
  const logBlockSize = sb.readUInt32LE(24);
  // ext4 block sizes run from 1 KiB to 64 KiB; anything else means the magic matched by chance.
  if (logBlockSize > 6) return null;
  const blockSize = 1024 * 2 ** logBlockSize;
  const compat = sb.readUInt32LE(92);
  const incompat = sb.readUInt32LE(96);
  const roCompat = sb.readUInt32LE(100);
  const hi = incompat & INCOMPAT_64BIT ? sb.readUInt32LE(0x150) : 0;
  const blocksCount = hi * 2 ** 32 + sb.readUInt32LE(4);
  if (blocksCount === 0) return null;
  const label = sb.subarray(120, 136).toString('utf8');
  const end = label.indexOf('\0');
  return {
    label: end === -1 ? label : label.slice(0, end),
    uuid: formatUuid(sb.subarray(104, 120)),
    blockSize,
    blocksCount,
    sizeBytes: blocksCount * blockSize,
    inodeSize: sb.readUInt32LE(76) === 0 ? 128 : sb.readUInt16LE(88),
    featuresCompat: featureNames('compat', compat),
    featuresIncompat: featureNames('incompat', incompat),
    featuresRoCompat: featureNames('ro_compat', roCompat),
    checksumOk:
      roCompat & RO_COMPAT_METADATA_CSUM
        ? ext4Crc32c(sb.subarray(0, CHECKSUM_AT)) === sb.readUInt32LE(CHECKSUM_AT)
        : null,
    errorsRecorded: (sb.readUInt16LE(58) & 0x2) !== 0,
  };
}

/** Reads the superblock of the file system that starts `offset` bytes into `disk`; null when it is not ext2/3/4. */
export async function readExt4Superblock(disk: DiskReader, offset: number): Promise<Ext4Superblock | null> {
  try {
    const sb = await disk.readAt(offset + SUPERBLOCK_OFFSET, SUPERBLOCK_SIZE);
    return sb.length === SUPERBLOCK_SIZE ? parseExt4Superblock(sb) : null;
  } catch (error) {
    throw imageAccessError(disk.path, error);
  }
}
