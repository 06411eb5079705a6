import { CompanionError } from '../../errors.js';
import { cleanText, driveDisplayName, type Drive, type DriveBus, type DrivePartition } from './drive.js';

/** The columns we ask for; util-linux before 2.37 has no MOUNTPOINTS, before 2.33 no PATH. */
export const LSBLK_COLUMNS =
  'NAME,PATH,SIZE,TYPE,RM,RO,HOTPLUG,TRAN,MODEL,VENDOR,SERIAL,MOUNTPOINTS,LABEL,FSTYPE,PKNAME';
export const LSBLK_LEGACY_COLUMNS =
  'NAME,SIZE,TYPE,RM,RO,HOTPLUG,TRAN,MODEL,VENDOR,SERIAL,MOUNTPOINT,LABEL,FSTYPE,PKNAME';

/** One node of `lsblk --json`; every field is optional because versions differ in what they print and how. */
interface LsblkNode {
  name?: string;
  path?: string;
  size?: number | string | null;
  type?: string;
  rm?: boolean | string | number | null;
  ro?: boolean | string | number | null;
  hotplug?: boolean | string | number | null;
  tran?: string | null;
  model?: string | null;
  vendor?: string | null;
  serial?: string | null;
  mountpoints?: (string | null)[] | null;
  mountpoint?: string | null;
  label?: string | null;
  fstype?: string | null;
  children?: LsblkNode[];
}

// Compressed RAM (zram), RAM disks and eMMC hardware partitions are never something to flash.
const NEVER_LISTED = /^(zram\d+|ram\d+|mmcblk\d+(boot\d+|rpmb))$/;

/** Parses `lsblk --json -b -o …` output (either column set above) into drives: disks and loop devices. */
export function parseLsblk(json: string): Drive[] {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    throw new CompanionError(
      'drive-list-unreadable',
      'Could not read the drive list from lsblk (its output was not JSON).',
      'Check that util-linux is intact; "lsblk --json" should print the drives.',
      { cause: error },
    );
  }
  const nodes = (data as { blockdevices?: unknown } | null)?.blockdevices;
  if (!Array.isArray(nodes)) return [];
  return (nodes as LsblkNode[]).filter(isListed).map(toDrive);
}

function isListed(node: LsblkNode): boolean {
  if (node.type !== 'disk' && node.type !== 'loop') return false;
  return !NEVER_LISTED.test(node.name ?? '');
}

function toDrive(node: LsblkNode): Drive {
  const name = node.name ?? '';
  const device = node.path ?? `/dev/${name}`;
  const bus = busOf(node);
  const vendor = cleanText(node.vendor);
  const model = cleanText(node.model);
  const partitions = (node.children ?? []).filter((child) => child.type === 'part').map(toPartition);
  return {
    device,
    rawDevice: device,
    name: driveDisplayName(vendor, model, fallbackName(bus, name)),
    sizeBytes: sizeOf(node.size),
    model,
    vendor,
    serial: cleanText(node.serial),
    bus,
    // An SD card is removable even when the kernel's flag says 0, as built-in mmc readers report it; so is anything on
    // USB (the SSDs Pis boot from). HOTPLUG alone is not: it also marks Thunderbolt and hot-swap bay disks, which
    // must go through the internal-disk authorization, not the SD-card one.
    removable: flag(node.rm) || bus === 'usb' || bus === 'mmc',
    readOnly: flag(node.ro),
    mountpoints: unique(allMountpoints(node)),
    partitions,
  };
}

function toPartition(node: LsblkNode): DrivePartition {
  return {
    device: node.path ?? `/dev/${node.name ?? ''}`,
    sizeBytes: sizeOf(node.size),
    label: cleanText(node.label),
    fsType: cleanText(node.fstype),
    mountpoints: unique(allMountpoints(node)),
  };
}

function busOf(node: LsblkNode): DriveBus {
  const tran = cleanText(node.tran)?.toLowerCase() ?? null;
  const name = node.name ?? '';
  if (node.type === 'loop' || name.startsWith('loop')) return 'loop';
  if (tran === 'usb') return 'usb';
  if (tran === 'nvme' || name.startsWith('nvme')) return 'nvme';
  if (tran === 'mmc' || name.startsWith('mmcblk')) return 'mmc';
  if (tran === 'sata' || tran === 'ata') return 'sata';
  if (tran && ['sas', 'scsi', 'iscsi', 'fc', 'spi'].includes(tran)) return 'scsi';
  if (tran === 'virtio' || /^(vd|xvd)[a-z]+$/.test(name)) return 'virtual';
  return 'unknown';
}

function fallbackName(bus: DriveBus, name: string): string {
  if (bus === 'mmc') return `SD card (${name})`;
  if (bus === 'loop') return `Loop device (${name})`;
  return name;
}

/** The node's own mountpoints and those of everything inside it: a LUKS root under a partition still counts. */
function allMountpoints(node: LsblkNode): string[] {
  const own = Array.isArray(node.mountpoints) ? node.mountpoints : [node.mountpoint];
  const mine = own.filter((m): m is string => typeof m === 'string' && m !== '').map(normalizeMount);
  return [...mine, ...(node.children ?? []).flatMap(allMountpoints)];
}

function normalizeMount(mountpoint: string): string {
  return mountpoint === '[SWAP]' ? 'swap' : mountpoint;
}

/** lsblk prints booleans, "0"/"1" or numbers depending on version. */
function flag(value: LsblkNode['rm']): boolean {
  if (typeof value === 'string') return value === '1' || value.toLowerCase() === 'true';
  return value === true || value === 1;
}

function sizeOf(value: LsblkNode['size']): number {
  const parsed = typeof value === 'string' ? Number.parseInt(value, 10) : (value ?? 0);
  return Number.isFinite(parsed) && parsed > 0 ? parsed : 0;
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}
