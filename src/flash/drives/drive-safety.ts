import type { DriveVerdict } from '../../contract/index.js';
import { formatDriveSize, type Drive } from './drive.js';

/** What the policy needs to know besides the drive itself. */
export interface SafetyContext {
  /** Size of the (uncompressed) image to write; null when not known yet. */
  imageSizeBytes: number | null;
  /** Absolute path of the image file, to refuse the drive it lives on. */
  sourcePath: string | null;
  /** The block device (disk or partition) holding the image file, when the platform tells us. */
  sourceDevice: string | null;
  /** The user asked to see internal disks and loop devices too. */
  showAllDrives: boolean;
}

/** refuse: may not be written; hide: not listed unless "show all"; warn: listed, said out loud. */
export type { DriveVerdict };
export type DriveReason = DriveVerdict['reasons'][number];
export type ReasonSeverity = DriveReason['severity'];
/** The policy's reasons; the writer refuses a card with the same code, so the UI explains it like the picker does. */
export type DriveReasonCode =
  | 'system-disk'
  | 'holds-source'
  | 'no-media'
  | 'read-only'
  | 'too-small'
  | 'internal-disk'
  | 'loop-device'
  | 'large-drive'
  | 'mounted';
/** A verdict as the policy makes it, before it goes over the wire with plain-string codes. */
export type AssessedVerdict = Omit<DriveVerdict, 'reasons'> & {
  reasons: (DriveReason & { code: DriveReasonCode })[];
};

/**
 * Mounts that make a disk the running system's: writing it would destroy the OS under the user. '/boot/firmware' is
 * a Pi running from its own card; 'swap' is how lsblk's [SWAP] arrives.
 */
const SYSTEM_MOUNTS = new Set([
  '/',
  '/boot',
  '/boot/efi',
  '/boot/firmware',
  '/efi',
  '/usr',
  '/var',
  '/home',
  '/nix',
  '/nix/store',
  'swap',
]);
/** macOS: the sealed system volume and its firmlinked data volumes. */
const MACOS_SYSTEM_PREFIX = '/System/Volumes/';

export const LARGE_DRIVE_BYTES = 128 * 1024 ** 3;
// Refusals that also take the drive out of the list: there is no situation where offering it helps.
const NEVER_OFFERED = new Set<DriveReasonCode>(['system-disk', 'holds-source', 'no-media']);

/** Decides whether `drive` may be offered and written, and why (never a system disk). */
export function assessDrive(drive: Drive, context: SafetyContext): AssessedVerdict {
  const reasons: AssessedVerdict['reasons'] = [];
  const add = (code: DriveReasonCode, severity: ReasonSeverity, message: string) =>
    reasons.push({ code, severity, message });
  const size = formatDriveSize(drive.sizeBytes);

  const system = drive.mountpoints.filter(isSystemMount);
  if (system.length > 0) {
    add('system-disk', 'refuse', `Runs this computer (${system.join(', ')} mounted from it): never written.`);
  }
  if (holdsSource(drive, context)) {
    add(
      'holds-source',
      'refuse',
      'Holds the image file you are flashing: writing it would destroy the source.',
    );
  }
  if (drive.sizeBytes === 0) add('no-media', 'refuse', 'No card or medium inserted.');
  if (drive.readOnly) {
    add('read-only', 'refuse', 'Read-only: check the lock switch on the side of the SD card (or adapter).');
  }
  if (context.imageSizeBytes !== null && drive.sizeBytes > 0 && drive.sizeBytes < context.imageSizeBytes) {
    const need = formatDriveSize(context.imageSizeBytes);
    add('too-small', 'refuse', `Too small: the image needs ${need}, this card has ${size}.`);
  }
  const builtIn = drive.bus === 'virtual' || (!drive.removable && drive.bus !== 'loop');
  if (builtIn) {
    add(
      'internal-disk',
      'hide',
      `Built-in disk (${drive.bus}), not a removable card: shown only with "show all".`,
    );
  }
  if (drive.bus === 'loop')
    add('loop-device', 'hide', 'Loop device (a file used as a disk): shown only with "show all".');
  if (drive.sizeBytes > LARGE_DRIVE_BYTES) {
    add('large-drive', 'warn', `Large for an SD card (${size}): is this really your SD card?`);
  }
  const otherMounts = drive.mountpoints.filter((m) => !isSystemMount(m));
  if (otherMounts.length > 0 && system.length === 0) {
    add('mounted', 'warn', `Mounted at ${otherMounts.join(', ')}: will be unmounted before writing.`);
  }

  const hardRefusal = reasons.some((r) => NEVER_OFFERED.has(r.code));
  const hidden = reasons.some((r) => r.severity === 'hide');
  const offered = !hardRefusal && (!hidden || context.showAllDrives);
  const writable = offered && !reasons.some((r) => r.severity === 'refuse');
  const needsConfirmation = writable && (builtIn || drive.sizeBytes > LARGE_DRIVE_BYTES);
  return {
    device: drive.device,
    offered,
    writable,
    needsConfirmation,
    confirmationText: needsConfirmation ? `${drive.name} (${size})` : null,
    reasons,
  };
}

/** One line for the CLI table and the UI's tooltip: the status and the reasons that decided it. */
export function describeVerdict(verdict: DriveVerdict): string {
  const refusals = verdict.reasons.filter((r) => r.severity === 'refuse');
  const [status, shown] =
    refusals.length > 0
      ? ['refused', refusals]
      : !verdict.offered
        ? ['hidden', verdict.reasons.filter((r) => r.severity === 'hide')]
        : [verdict.needsConfirmation ? 'confirm first' : 'ok', verdict.reasons];
  const messages = shown.map((r) => r.message);
  return messages.length > 0 ? `${status}: ${messages.join(' ')}` : status;
}

function isSystemMount(mountpoint: string): boolean {
  return SYSTEM_MOUNTS.has(mountpoint) || mountpoint.startsWith(MACOS_SYSTEM_PREFIX);
}

/**
 * Whether the image file lives on this drive. A mountpoint counts when it contains the path; '/' is left out
 * because the root disk is refused as a system disk anyway and would otherwise match every path.
 */
function holdsSource(drive: Drive, context: SafetyContext): boolean {
  const devices = [drive.device, drive.rawDevice, ...drive.partitions.map((p) => p.device)];
  if (context.sourceDevice && devices.includes(context.sourceDevice)) return true;
  const source = context.sourcePath;
  if (!source) return false;
  return drive.mountpoints.some(
    (m) =>
      m.startsWith('/') && m !== '/' && (source === m || source.startsWith(m.endsWith('/') ? m : `${m}/`)),
  );
}
