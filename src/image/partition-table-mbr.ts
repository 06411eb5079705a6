import { ImageError } from './image-errors.js';

export const SECTOR_SIZE = 512;
/** The MBR partition type that announces a GPT disk ("protective MBR"). */
export const MBR_TYPE_GPT_PROTECTIVE = 0xee;

const ENTRIES_AT = 446;
const ENTRY_SIZE = 16;
const DISK_ID_AT = 440;

/** One used slot of the four primary MBR entries. */
export interface MbrEntry {
  /** 1-based slot, as Linux numbers it (p1…p4, gaps kept). */
  slot: number;
  bootable: boolean;
  typeByte: number;
  firstLba: number;
  sectors: number;
}

export interface Mbr {
  /** The 32-bit disk signature, 8 lowercase hex digits: Linux builds PARTUUIDs from it. */
  diskId: string;
  entries: MbrEntry[];
}

const notATable = (why: string) =>
  new ImageError(
    'image-no-partition-table',
    `The image has no usable partition table: ${why}.`,
    'Use a whole-disk image (a NixOS sdImage), not a single partition or file system.',
  );

/** True when sector 0 ends with the 55 AA boot signature. */
export function hasMbrSignature(head: Buffer): boolean {
  return head.length >= SECTOR_SIZE && head[510] === 0x55 && head[511] === 0xaa;
}

/** Parses the four primary entries of sector 0; empty slots are left out. Extended partitions are listed, not followed. */
export function parseMbr(head: Buffer): Mbr {
  if (!hasMbrSignature(head)) throw notATable('the first sector has no 55 AA boot signature');
  const entries: MbrEntry[] = [];
  for (let i = 0; i < 4; i++) {
    const at = ENTRIES_AT + i * ENTRY_SIZE;
    const status = head[at] ?? 0;
    const typeByte = head[at + 4] ?? 0;
    const firstLba = head.readUInt32LE(at + 8);
    const sectors = head.readUInt32LE(at + 12);
    if (typeByte === 0 || sectors === 0) continue;
    // Boot code of a bare FAT/NTFS volume fills these bytes with instructions, not 00/80 flags.
    if ((status !== 0x00 && status !== 0x80) || firstLba === 0) {
      throw notATable(`entry ${i + 1} of the MBR is not a valid partition (it may be a bare file system)`);
    }
    entries.push({ slot: i + 1, bootable: status === 0x80, typeByte, firstLba, sectors });
  }
  return { diskId: head.readUInt32LE(DISK_ID_AT).toString(16).padStart(8, '0'), entries };
}

/** "0x0b": how fdisk/sfdisk write MBR types. */
export function formatMbrType(typeByte: number): string {
  return `0x${typeByte.toString(16).padStart(2, '0')}`;
}
