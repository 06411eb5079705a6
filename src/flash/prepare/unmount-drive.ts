import type { Drive } from '../drives/drive.js';
import { FlashError } from '../flash-errors.js';
import { type CommandAttempt, runFirstWorking } from './drive-commands.js';

/** Something of the card that is mounted, and the ways to unmount it, best first. */
export interface UnmountStep {
  /** Block device that is mounted (a partition, or the disk itself on macOS / whole-disk file systems). */
  device: string;
  mountpoints: string[];
  attempts: CommandAttempt[];
}

// lsblk reports active swap as '[SWAP]', which the drive list turns into 'swap': it has no mountpoint to unmount,
// and a card with active swap is refused as a system disk anyway.
const isRealMount = (mountpoint: string) => mountpoint !== 'swap' && mountpoint !== '[SWAP]';

/**
 * What to run to unmount every mounted file system of `drive`, and only of it. Linux: udisksctl first (it works
 * without root for removable media, through polkit), then umount (root). macOS: one `diskutil unmountDisk` for all.
 */
export function planUnmount(drive: Drive, platform: NodeJS.Platform): UnmountStep[] {
  const mounted = drive.partitions
    .map((p) => ({ device: p.device, mountpoints: p.mountpoints.filter(isRealMount) }))
    .filter((p) => p.mountpoints.length > 0);
  // A file system straight on the disk (no partition table) shows up only in the disk's own mountpoints.
  const onPartitions = new Set(mounted.flatMap((p) => p.mountpoints));
  const onDisk = drive.mountpoints.filter((m) => isRealMount(m) && !onPartitions.has(m));
  if (onDisk.length > 0) mounted.push({ device: drive.device, mountpoints: onDisk });
  if (mounted.length === 0) return [];

  if (platform === 'darwin') {
    return [
      {
        device: drive.device,
        mountpoints: mounted.flatMap((p) => p.mountpoints),
        attempts: [{ program: 'diskutil', args: ['unmountDisk', drive.device] }],
      },
    ];
  }
  return mounted.map(({ device, mountpoints }) => ({
    device,
    mountpoints,
    attempts: [
      { program: 'udisksctl', args: ['unmount', '-b', device, '--no-user-interaction'] },
      // umount by device takes off one mount at a time; by mountpoint covers a partition mounted twice.
      ...mountpoints.map((m) => ({ program: 'umount', args: [m] })),
    ],
  }));
}

/** Unmounts every mounted partition of the card before writing; a busy one fails with what to close. */
export async function unmountDrive(
  drive: Drive,
  options: { log: (line: string) => void; signal?: AbortSignal; platform?: NodeJS.Platform },
): Promise<string[]> {
  const steps = planUnmount(drive, options.platform ?? process.platform);
  if (steps.length === 0) {
    options.log(`Nothing on ${drive.device} is mounted.`);
    return [];
  }
  const unmounted: string[] = [];
  for (const step of steps) {
    const outcome = await runFirstWorking(step.attempts, { signal: options.signal, log: options.log });
    const where = step.mountpoints.join(', ');
    if (!outcome.ok) {
      throw new FlashError(
        'flash-unmount-failed',
        `${step.device} (mounted at ${where}) could not be unmounted: ${outcome.failures.join('; ')}.`,
        `Close the file manager windows and apps that use ${where} (a terminal open in it counts), then try again.`,
      );
    }
    options.log(`Unmounted ${step.device} from ${where}.`);
    unmounted.push(...step.mountpoints);
  }
  return unmounted;
}
