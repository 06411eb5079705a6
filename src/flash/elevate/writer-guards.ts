import { userInfo } from 'node:os';
import { assessDrive } from '../drives/drive-safety.js';
import type { Drive } from '../drives/drive.js';
import { listDrives } from '../drives/list-drives.js';
import { findSourceDevice } from '../drives/source-device.js';
import { FlashError } from '../flash-errors.js';
import { loopIsUsersFile, loopOverOthersFile } from './loop-backing.js';
import { assertNamedDisk, type NamedDisk } from './named-disk.js';

/** Who asked for the write: the account whose permissions the source file is checked against. */
export interface InvokingUser {
  uid: number;
  gid: number;
}

/**
 * Which authorization started the writer: only the internal-disk launcher (its own polkit action, whose prompt says an
 * internal disk will be erased) sets 'internal', inside its clean environment; a caller cannot reach it otherwise.
 */
export type WriterScope = 'removable' | 'internal';

export const writerScopeOf = (env: NodeJS.ProcessEnv): WriterScope =>
  env.COMPANION_WRITER_SCOPE === 'internal' ? 'internal' : 'removable';

const unknownUser = (why: string) =>
  new FlashError(
    'flash-user-unknown',
    `The flash writer could not tell which user asked for the write (${why}), so it wrote nothing.`,
    'Start the flash from the app or `companion flash` as your own user (the writer needs to know whose files it reads).',
  );

/**
 * The unprivileged user behind this root process: pkexec sets PKEXEC_UID and sudo SUDO_UID (the launcher passes
 * only those on); under macOS's `do shell script` neither exists and the owner of the pipes the app made says it
 * (`pipeOwner`, from fstat of the opened pipes). Null means root itself asked (root ran it directly, or through sudo)
 * and root's own permissions apply. A uid without an account is refused rather than guessed.
 */
export function findInvokingUser(env: NodeJS.ProcessEnv, pipeOwner: number | null): InvokingUser | null {
  if (pipeOwner !== null) {
    if (pipeOwner === 0) throw unknownUser('the pipes belong to root');
    return lookUpUser(pipeOwner);
  }
  const declared = env.PKEXEC_UID ?? env.SUDO_UID;
  if (declared === undefined) return null;
  if (!/^\d{1,10}$/.test(declared)) throw unknownUser(`"${declared.slice(0, 32)}" is not a user id`);
  const uid = Number(declared);
  return uid === 0 ? null : lookUpUser(uid);
}

/**
 * The account's primary group from the user database (NSS: files, LDAP, systemd-homed alike), read in-process:
 * os.userInfo() looks up the *effective* uid, so it is asked with the effective uid switched for the call. No program
 * is run for it, so no PATH (NixOS has no /usr/bin/id) and nothing the user could have put in one.
 */
function lookUpUser(uid: number): InvokingUser {
  const self = process.geteuid?.();
  if (self === uid) return { uid, gid: userInfo().gid };
  if (self !== 0 || !process.seteuid) throw unknownUser(`only root can look up user ${uid}`);
  let gid: number;
  process.seteuid(uid);
  try {
    gid = userInfo().gid;
  } catch {
    throw unknownUser(`user id ${uid} has no account on this computer`);
  } finally {
    process.seteuid(0);
  }
  return { uid, gid };
}

/** What the writer may do, as its launcher and the invoking user decide it (never the request). */
export interface WriterAuthority {
  scope: WriterScope;
  /** With scope 'internal': the one built-in disk its authorization named. */
  disk: NamedDisk | null;
  /** Whom the write is for (null: root itself asked). */
  user: InvokingUser | null;
}

const REMOVABLE_ONLY: WriterAuthority = { scope: 'removable', disk: null, user: null };

/**
 * The writer's own look at the device, because a root process must not take the app's word for it. The drive must
 * be a whole disk the system lists now, and pass the same policy the picker uses (no system disk, not the disk
 * holding the image, not read-only, has media) — with one stricter rule: a built-in disk is written only when the
 * writer was started through the internal-disk authorization and that authorization named this very disk (device
 * number and size), never on the request's word, since the request comes from the unprivileged app. A loop device
 * over a file the invoking user may write is no one's hardware and passes like a card; a loop over anyone else's
 * file counts as the built-in disk it stands for.
 */
export async function assertDeviceAllowed(
  device: string,
  sourceRealPath: string,
  drives: readonly Drive[] | null = null,
  authority: WriterAuthority = REMOVABLE_ONLY,
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
  const loop = drive.bus === 'loop';
  const usersLoop = loop && (await loopIsUsersFile(drive.device, authority.user));
  const builtIn = drive.bus === 'virtual' || (!drive.removable && !loop) || (loop && !usersLoop);
  const internal = builtIn && authority.scope === 'internal';
  if (builtIn && loop && !internal) throw loopOverOthersFile(drive.device);
  const verdict = assessDrive(drive, {
    imageSizeBytes: null,
    sourcePath: sourceRealPath,
    sourceDevice: await findSourceDevice(sourceRealPath),
    showAllDrives: usersLoop || internal,
  });
  // The policy's refusals (a system disk…) come first; only then whether the authorization named this disk.
  if (verdict.writable && internal) await assertNamedDisk(drive, authority.disk);
  if (verdict.writable) return drive;
  const reason =
    verdict.reasons.find((r) => r.severity === 'refuse') ??
    verdict.reasons.find((r) => r.severity === 'hide');
  // The policy's own reason codes ('system-disk', 'holds-source', …) so the UI explains it like the picker does.
  throw new FlashError(
    reason?.code ?? 'flash-device-refused',
    `Refused to write ${device}: ${reason?.message ?? 'the safety policy does not allow it.'} Nothing was written.`,
    reason?.code === 'internal-disk'
      ? 'A built-in disk is only written after the separate "erase an internal disk" authorization: turn on "show all drives" in the app and confirm the disk there.'
      : 'Insert an SD card (or USB reader) and pick it; system disks are never written.',
  );
}
