import { realpath, stat } from 'node:fs/promises';
import { BY_ID_DIR, DISK_ID_NAME, diskIdName, KERNEL_DISK_NAME } from '../drives/disk-by-id.js';
import type { Drive } from '../drives/drive.js';
import { FlashError } from '../flash-errors.js';

/**
 * The one built-in disk an internal-disk authorization was given for: the launcher's two arguments, which pkexec
 * shows in the password prompt ($(command_line)), passed on to the writer in its clean environment.
 */
export interface NamedDisk {
  /** A /dev/disk/by-id name ('ata-WDC_WD20EZAZ_WD-WX12'), or a kernel name ('nvme0n1') for a disk without one. */
  name: string;
  sizeBytes: number;
}

/** Bytes, as lsblk -b says them: no sign, no leading zero, at most 20 digits. */
const DISK_BYTES = /^[1-9]\d{0,19}$/;

const notNamed = (device: string, why: string) =>
  new FlashError(
    'internal-disk-not-named',
    `Refused to write ${device}: ${why}. Nothing was written.`,
    'Start the write from the app (or `companion flash --allow-non-removable`): it asks for the internal-disk authorization naming exactly that disk.',
  );

/** The disk named in the writer's environment, null when none; a malformed one is refused, never guessed. */
export function namedDiskOf(env: NodeJS.ProcessEnv): NamedDisk | null {
  const name = env.COMPANION_WRITER_DISK;
  const bytes = env.COMPANION_WRITER_DISK_BYTES;
  if (name === undefined && bytes === undefined) return null;
  if (!name || !bytes || !DISK_ID_NAME.test(name) || !DISK_BYTES.test(bytes))
    throw notNamed('the internal disk', 'the disk the authorization names is malformed');
  return { name, sizeBytes: Number(bytes) };
}

/** Where the name leads: its by-id link (resolved, so it must end at a node in /dev), or /dev/<kernel name>. */
async function resolveNamedDisk(disk: NamedDisk): Promise<string | null> {
  if (KERNEL_DISK_NAME.test(disk.name)) return `/dev/${disk.name}`;
  const target = await realpath(`${BY_ID_DIR}/${disk.name}`).catch(() => null);
  return target?.startsWith('/dev/') ? target : null;
}

/**
 * Refuses `drive` unless it is the disk the internal-disk authorization named: the same device number (whatever
 * path the request used) and the same size in bytes, so a disk swapped or renumbered since the prompt is not written.
 */
export async function assertNamedDisk(drive: Drive, disk: NamedDisk | null): Promise<void> {
  if (!disk) throw notNamed(drive.device, 'the internal-disk authorization named no disk');
  const named = await resolveNamedDisk(disk);
  const [want, have] = await Promise.all([
    named ? stat(named).catch(() => null) : null,
    stat(drive.device).catch(() => null),
  ]);
  if (!want?.isBlockDevice() && !want?.isCharacterDevice())
    throw notNamed(drive.device, `the authorized disk ${disk.name} is not on this computer`);
  if (!have || have.rdev !== want.rdev)
    throw notNamed(drive.device, `the authorization was given for another disk (${disk.name})`);
  // A kernel name ('sdb') is only for disks without a by-id link: a prompt showing it instead of model and serial
  // was not started by the app, which always names a disk by its link.
  const linked = named && KERNEL_DISK_NAME.test(disk.name) ? await diskIdName(named) : null;
  if (linked && linked !== disk.name)
    throw notNamed(
      drive.device,
      `the authorization names it only by its kernel name (${disk.name}), but it has a /dev/disk/by-id name (${linked})`,
    );
  if (drive.sizeBytes !== disk.sizeBytes)
    throw notNamed(
      drive.device,
      `it holds ${drive.sizeBytes} bytes, but the authorization was given for ${disk.sizeBytes} bytes`,
    );
}
