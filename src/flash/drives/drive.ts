import type { Drive, DriveBus } from '../../contract/index.js';

/** The drive types are declared once, in the contract (they cross to the UI): see src/contract/flash.ts. */
export type { Drive, DriveBus };
export type DrivePartition = Drive['partitions'][number];

/** '31.9 GB', '1 TB': decimal units, because that is what is printed on the card and the box. */
export function formatDriveSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = value >= 100 || unit === 0 ? 0 : 1;
  return `${Number(value.toFixed(digits))} ${units[unit]}`;
}

/** Drops empty and padded values (lsblk pads vendors to 8 columns, 'ATA     '). */
export function cleanText(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** 'Kingston DataTraveler 3.0', or the model alone when the vendor adds nothing. */
export function driveDisplayName(vendor: string | null, model: string | null, fallback: string): string {
  // SATA disks report 'ATA' as their vendor: a bus, not a maker.
  const maker = vendor && !/^(ATA|Generic|0x[0-9a-f]+)$/i.test(vendor) ? vendor : null;
  if (maker && model && !model.toLowerCase().startsWith(maker.toLowerCase())) return `${maker} ${model}`;
  return model ?? maker ?? fallback;
}
