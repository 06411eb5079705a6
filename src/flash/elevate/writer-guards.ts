import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { assessDrive } from '../drives/drive-safety.js';
import type { Drive } from '../drives/drive.js';
import { listDrives } from '../drives/list-drives.js';
import { findSourceDevice } from '../drives/source-device.js';
import { FlashError } from '../flash-errors.js';

/** Who asked for the write: the account whose permissions the source file is checked against. */
export interface InvokingUser {
  uid: number;
  gid: number;
}

/**
 * The unprivileged user behind this root process: pkexec sets PKEXEC_UID, sudo SUDO_UID; under macOS's
 * `do shell script` neither exists, so the owner of the pipe the app created (`ownerOf`) says it. Null means root
 * ran the helper directly (tests, CI) and root's own permissions apply.
 */
export async function findInvokingUser(
  env: NodeJS.ProcessEnv,
  ownerOf: string | null,
): Promise<InvokingUser | null> {
  const declared = env.PKEXEC_UID ?? env.SUDO_UID;
  let uid: number | null = null;
  if (declared !== undefined && /^\d+$/.test(declared)) uid = Number(declared);
  else if (ownerOf) uid = (await stat(ownerOf)).uid;
  if (uid === null || uid === 0) return null;
  const { stdout } = await promisify(execFile)('id', ['-g', '--', String(uid)]);
  return { uid, gid: Number(stdout.trim()) };
}

/**
 * The writer's own look at the device, because a root process must not take the app's word for it. The drive must
 * be a whole disk the system lists now, and pass the same policy the picker uses (no system disk, not the disk
 * holding the image, not read-only, has media) — with one stricter rule: "show all drives" is honoured for built-in
 * disks only when the request says the user confirmed the disk (the admin prompt authorizes that), since the choice
 * lives in the unprivileged app. Loop
 * devices are the exception: they are files posing as disks, never anyone's hardware, and the loop's own mounts
 * still decide whether it is in use.
 */
export async function assertDeviceAllowed(
  device: string,
  sourceRealPath: string,
  drives: readonly Drive[] | null = null,
  allowNonRemovable = false,
): Promise<Drive> {
  const list = drives ?? (await listDrives());
  const drive = list.find((d) => d.device === device || d.rawDevice === device);
  if (!drive) {
    throw new FlashError(
      'flash-device-unknown',
      `${device} is not a whole disk on this computer; nothing was written.`,
      'Pick the card again from the list (it may have been removed, or a partition was given instead of the disk).',
    );
  }
  if (drive.bus === 'loop') await assertLoopOverFile(drive.device);
  const verdict = assessDrive(drive, {
    imageSizeBytes: null,
    sourcePath: sourceRealPath,
    sourceDevice: await findSourceDevice(sourceRealPath),
    showAllDrives: drive.bus === 'loop' || allowNonRemovable,
  });
  if (verdict.writable) return drive;
  const reason =
    verdict.reasons.find((r) => r.severity === 'refuse') ??
    verdict.reasons.find((r) => r.severity === 'hide');
  // The policy's own reason codes ('system-disk', 'holds-source', …) so the UI explains it like the picker does.
  throw new FlashError(
    reason?.code ?? 'flash-device-refused',
    `Refused to write ${device}: ${reason?.message ?? 'the safety policy does not allow it.'} Nothing was written.`,
    'Insert an SD card (or USB reader) and pick it; built-in and system disks are never written.',
  );
}

/**
 * A loop device set up over a block device (losetup /dev/loop0 /dev/sda) would carry the loop exemption onto real
 * hardware: only a loop backed by a regular file counts as "a file posing as a disk".
 */
async function assertLoopOverFile(device: string): Promise<void> {
  const name = device.replace(/^\/dev\//, '');
  const backing = await readFile(`/sys/block/${name}/loop/backing_file`, 'utf8').catch(() => null);
  const info = backing ? await stat(backing.trim()).catch(() => null) : null;
  if (!info?.isFile()) {
    throw new FlashError(
      'flash-device-refused',
      `${device} is a loop device that is not backed by a regular file; nothing was written.`,
      'Loop devices are only written when they stand for an image file.',
    );
  }
}
