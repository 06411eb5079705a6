import plist, { type PlistObject, type PlistValue } from 'plist';
import { CompanionError } from '../../errors.js';
import { cleanText, driveDisplayName, type Drive, type DriveBus, type DrivePartition } from './drive.js';

type Dict = Record<string, PlistValue | undefined>;

/** The whole disks `diskutil list -plist` names; each needs a `diskutil info -plist` of its own. */
export function wholeDisksOf(listXml: string): string[] {
  return strings(readPlist(listXml, 'diskutil list').WholeDisks);
}

/**
 * Turns `diskutil list -plist` plus `diskutil info -plist diskN` per whole disk (keyed by 'diskN') into drives.
 * Synthesized APFS containers are folded into the physical disk that stores them: their mounts (/, /System/Volumes/…)
 * belong to that disk, and a synthesized disk is never a target of its own.
 */
export function parseDiskutil(listXml: string, infoXmls: Record<string, string>): Drive[] {
  const list = readPlist(listXml, 'diskutil list');
  const entries = dicts(list.AllDisksAndPartitions);
  const infos = new Map(
    Object.entries(infoXmls).map(([id, xml]) => [id, readPlist(xml, `diskutil info ${id}`)]),
  );
  // Physical store partition (disk0s2) → mounts of the container it holds.
  const storeMounts = new Map<string, string[]>();
  const synthesized = new Set<string>();
  for (const entry of entries) {
    const id = text(entry.DeviceIdentifier) ?? '';
    const stores = physicalStores(entry, infos.get(id));
    if (stores.length === 0) continue;
    synthesized.add(id);
    const mounts = [...ownMounts(entry), ...dicts(entry.APFSVolumes).flatMap(ownMounts)];
    for (const store of stores) storeMounts.set(store, [...(storeMounts.get(store) ?? []), ...mounts]);
  }
  const byId = new Map(entries.map((entry) => [text(entry.DeviceIdentifier) ?? '', entry]));
  return strings(list.WholeDisks)
    .filter((id) => !synthesized.has(id) && text(infos.get(id)?.VirtualOrPhysical) !== 'Virtual')
    .map((id) => toDrive(id, byId.get(id) ?? {}, infos.get(id) ?? {}, storeMounts));
}

function toDrive(id: string, entry: Dict, info: Dict, storeMounts: Map<string, string[]>): Drive {
  const partitions = dicts(entry.Partitions).map((part) => toPartition(part, storeMounts));
  const wholeMounts = [...ownMounts(entry), ...(storeMounts.get(id) ?? [])];
  const model = cleanText(info.MediaName);
  const bus = busOf(text(info.BusProtocol));
  const device = text(info.DeviceNode) ?? `/dev/${id}`;
  return {
    device,
    rawDevice: device.replace(/^\/dev\/disk/, '/dev/rdisk'),
    name: driveDisplayName(null, model, bus === 'sd' ? `SD card (${id})` : id),
    sizeBytes: num(info.TotalSize) ?? num(info.Size) ?? num(entry.Size) ?? 0,
    model,
    vendor: null, // diskutil does not report one; MediaName usually carries the maker
    serial: null,
    bus,
    // External disks that are not "removable media" (USB SSDs) are still Ejectable; both are cards-and-sticks-like.
    removable:
      bool(info.RemovableMedia) || bool(info.Removable) || bool(info.Ejectable) || info.Internal === false,
    readOnly: info.WritableMedia === false,
    mountpoints: [...new Set([...wholeMounts, ...partitions.flatMap((p) => p.mountpoints)])],
    partitions,
  };
}

function toPartition(part: Dict, storeMounts: Map<string, string[]>): DrivePartition {
  const id = text(part.DeviceIdentifier) ?? '';
  return {
    device: `/dev/${id}`,
    sizeBytes: num(part.Size) ?? 0,
    label: cleanText(part.VolumeName),
    fsType: cleanText(part.Content),
    mountpoints: [...new Set([...ownMounts(part), ...(storeMounts.get(id) ?? [])])],
  };
}

/** A volume's mountpoint, or the snapshot mounted at / on macOS 11+ (the sealed system volume). */
function ownMounts(entry: Dict): string[] {
  const snapshots = dicts(entry.MountedSnapshots).map((snap) => text(snap.SnapshotMountPoint));
  return [text(entry.MountPoint), ...snapshots].filter((m): m is string => !!m);
}

/** 'disk0s2' for an APFS container stored there, from the list entry or its info. */
function physicalStores(entry: Dict, info: Dict | undefined): string[] {
  const listed = dicts(entry.APFSPhysicalStores).map((s) => text(s.DeviceIdentifier));
  const fromInfo = dicts(info?.APFSPhysicalStores).map((s) => text(s.APFSPhysicalStore));
  return [...listed, ...fromInfo].filter((s): s is string => !!s);
}

function busOf(protocol: string | null): DriveBus {
  switch (protocol) {
    case 'USB':
      return 'usb';
    case 'Secure Digital':
      return 'sd';
    case 'PCI-Express':
    case 'PCI':
    case 'NVMe':
    case 'Apple Fabric': // the internal SSD of Apple Silicon Macs
      return 'nvme';
    case 'SATA':
      return 'sata';
    case 'SAS':
    case 'SCSI':
    case 'Fibre Channel Interface':
      return 'scsi';
    case 'Disk Image':
      return 'virtual';
    default:
      return 'unknown';
  }
}

function readPlist(xml: string, what: string): Dict {
  let value: PlistValue;
  try {
    value = plist.parse(xml);
  } catch (error) {
    throw unreadable(what, error);
  }
  if (!isDict(value)) throw unreadable(what);
  return value as Dict;
}

function unreadable(what: string, cause?: unknown): CompanionError {
  return new CompanionError(
    'drive-list-unreadable',
    `Could not read the drive list from ${what} (its output was not a property list).`,
    'Run "diskutil list" in Terminal to check that Disk Utility works.',
    { cause },
  );
}

function isDict(value: PlistValue | undefined): value is PlistObject {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    !Buffer.isBuffer(value)
  );
}

function dicts(value: PlistValue | undefined): Dict[] {
  return Array.isArray(value) ? (value as PlistValue[]).filter(isDict).map((d) => d as Dict) : [];
}

function strings(value: PlistValue | undefined): string[] {
  return Array.isArray(value)
    ? (value as PlistValue[]).filter((s): s is string => typeof s === 'string')
    : [];
}

function text(value: PlistValue | undefined): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function num(value: PlistValue | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null;
}

function bool(value: PlistValue | undefined): boolean {
  return value === true;
}
