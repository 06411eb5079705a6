import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Drive, DriveChoice, FlashRequest, FlashResult, TaskSnapshot } from '../contract/index.js';
import { CompanionError, hasCode, isCode } from '../errors.js';
import { type ImageFormat, sniffImageFormat } from '../image/index.js';
import type { HostProfiles } from '../hosts/index.js';
import type { StartedTask, TaskContext, TaskManager } from '../tasks/index.js';
import { finishCards } from './after/finish-cards.js';
import { assessDrive, describeVerdict, type DriveReasonCode } from './drives/drive-safety.js';
import { listDrives } from './drives/list-drives.js';
import { findSourceDevice } from './drives/source-device.js';
import { FlashError, refusedBeforeWriting, type FlashErrorCode } from './flash-errors.js';
import { unmountDrive } from './prepare/unmount-drive.js';
import { runPrivilegedWriter, type RunPrivilegedWriterOptions } from './elevate/run-privileged-writer.js';
import type { InternalDisk } from './elevate/writer-launch.js';
import { diskIdName } from './drives/disk-by-id.js';
import { assertImageHoldsItsPartitions } from './write/image-extents.js';
import type { WriteImageToDeviceResult } from './write/write-image-to-device.js';

interface FlashJob {
  request: FlashRequest;
  source: { path: string; format: ImageFormat };
  drives: Drive[];
  internalDisk: InternalDisk | null;
}

function driveBusy(device: string, holder: TaskSnapshot | null): FlashError {
  return new FlashError(
    'flash-drive-busy',
    holder
      ? `${device} is being written by "${holder.title}". Nothing was written by this attempt.`
      : `${device} is being written by another window of the app or a companion command. Nothing was written by this attempt.`,
    'Wait for that flash to finish (or cancel it where it runs); pick another card to write both at once.',
  );
}

/** The drives a request names; duplicates count once. */
function requestedDevices(request: FlashRequest): string[] {
  const devices = [...new Set(request.devices)];
  if (devices.length === 0)
    throw new FlashError(
      'flash-drive-missing',
      'No drive was chosen.',
      'Pick a card (`companion drives` lists them).',
    );
  return devices;
}

/** The policy's verdict on one requested drive; throws when it may not be written. */
function checkChoice(choices: readonly DriveChoice[], device: string, request: FlashRequest): DriveChoice {
  // Face-neutral hints: the command line phrases its own, with its flags, from the same reason codes.
  const refusalHints: Partial<Record<DriveReasonCode, string>> = {
    'holds-source': 'Copy the image to another disk first, or pick another card.',
    'no-media': 'Insert the card (or reseat it in its reader) and pick it again.',
    'read-only':
      'Slide the lock switch on the card (or adapter) to unlocked, insert it again and pick it again.',
    'too-small': 'Use a larger card.',
  };
  const choice = choices.find((c) => c.drive.device === device || c.drive.rawDevice === device);
  if (!choice) {
    throw new FlashError(
      'flash-drive-not-found',
      `There is no drive ${device}.`,
      'Insert the card and pick it from the list of drives again.',
    );
  }
  const { drive, verdict } = choice;
  if (!verdict.writable || !verdict.offered) {
    const refusal = verdict.reasons.find((r) => r.severity === 'refuse');
    throw new FlashError(
      'flash-drive-refused',
      `${drive.device} may not be written: ${describeVerdict(verdict)}`,
      refusal
        ? (refusalHints[refusal.code as DriveReasonCode] ??
            'Pick the SD card itself; system disks are never written.')
        : 'If it really is the drive you mean, choose "Show all drives"; otherwise pick the SD card itself.',
    );
  }
  if (verdict.needsConfirmation && !request.confirmed) {
    throw new FlashError(
      'flash-needs-confirmation',
      `Writing ${drive.device} needs your confirmation: ${verdict.confirmationText}.`,
      'Confirm the drive by its model and size if it really is your card.',
    );
  }
  return choice;
}

/**
 * The built-in disk of a write, named for its own authorization: the password prompt shows its by-id name and size,
 * and the writer writes no other built-in disk. checkChoice already made the user confirm it by model and size. One
 * per write, so one prompt names exactly what the password unlocks.
 */
async function nameInternalDisk(picked: readonly DriveChoice[]): Promise<InternalDisk | null> {
  const internal = picked.filter((c) =>
    c.verdict.reasons.some((r) => isCode<DriveReasonCode>(r.code, 'internal-disk')),
  );
  if (internal.length > 1)
    throw new FlashError(
      'flash-one-internal-disk',
      `Only one internal disk is written at a time (${internal.map((c) => c.drive.device).join(', ')} were picked).`,
      'Write the internal disks one after the other; SD cards can go along with either.',
    );
  const [choice] = internal;
  if (!choice) return null;
  const name = await diskIdName(choice.drive.device);
  if (!name)
    throw new FlashError(
      'flash-internal-disk-unnamed',
      `${choice.drive.device} has neither a /dev/disk/by-id name nor a kernel name the writer accepts, so its authorization could not name it. Nothing was written.`,
      'Write it with a tool made for this disk type, or report the disk with `companion drives`.',
    );
  return {
    name,
    sizeBytes: choice.drive.sizeBytes,
    label: `${choice.verdict.confirmationText ?? choice.drive.name}, ${choice.drive.device}`,
  };
}

export interface FlashServiceDeps {
  tasks: TaskManager;
  hosts: Pick<HostProfiles, 'list'>;
  /** The drives attached now; lsblk or diskutil unless a test lays out others. */
  listDrives?: () => Promise<Drive[]>;
  /** Writes the image with root's rights; the launcher (pkexec, or directly as root) unless a test stands in. */
  runWriter?: (options: RunPrivilegedWriterOptions) => Promise<WriteImageToDeviceResult>;
}

/** Flashing as the faces see it: drives with the policy's verdicts, and a checked start of the write task. */
export class FlashService {
  private readonly listDrives: () => Promise<Drive[]>;
  private readonly runWriter: NonNullable<FlashServiceDeps['runWriter']>;

  constructor(private readonly deps: FlashServiceDeps) {
    this.listDrives = deps.listDrives ?? listDrives;
    this.runWriter = deps.runWriter ?? runPrivilegedWriter;
  }

  async drives(request: { showAllDrives?: boolean; image?: string }): Promise<DriveChoice[]> {
    const source = request.image ? await this.describeSource(request.image).catch(() => null) : null;
    const context = {
      imageSizeBytes: source?.knownSize ?? null,
      sourcePath: source?.path ?? null,
      sourceDevice: source ? await findSourceDevice(source.path) : null,
      showAllDrives: request.showAllDrives ?? false,
    };
    const drives = await this.listDrives();
    return Promise.all(
      drives.map(async (drive) => ({
        drive,
        verdict: assessDrive(drive, context),
        busy: await this.deps.tasks.keyHolder(`drive:${drive.device}`),
      })),
    );
  }

  /**
   * Refuses before any byte is written when the policy says no for any drive, or a confirmation is missing, or a
   * running flash (here, another window or a `companion` command) holds one of the drives.
   */
  async start(request: FlashRequest): Promise<StartedTask<FlashResult>> {
    const source = await this.describeSource(request.image);
    // Before the drives are unmounted and before any password prompt: a cut-off image is refused with what it lacks.
    await assertImageHoldsItsPartitions(source.path, source.format);
    const choices = await this.drives({ showAllDrives: request.showAllDrives, image: source.path });
    const checked = requestedDevices(request).map((device) => checkChoice(choices, device, request));
    // /dev/disk4 and /dev/rdisk4 find the same drive: it is written once, not twice at the same time.
    const picked = [...new Map(checked.map((c) => [c.drive.device, c])).values()];
    const drives = picked.map((c) => c.drive);
    const internalDisk = await nameInternalDisk(picked);
    const names = drives.map((d) => d.device).join(', ');
    const title =
      drives.length === 1
        ? `Flash ${drives[0]?.model ?? drives[0]?.name} (${names})`
        : `Flash ${drives.length} cards (${names})`;
    return this.deps.tasks.start(
      'flash',
      title,
      (ctx) => this.write(ctx, { request, source, drives, internalDisk }),
      {
        subject: { host: null, source: source.path, targets: drives.map((drive) => drive.device) },
        exclusiveKeys: drives.map((drive) => `drive:${drive.device}`),
        whenBusy: (key, holder) => driveBusy(key.slice('drive:'.length), holder),
      },
    );
  }

  private async write(ctx: TaskContext<FlashResult>, job: FlashJob): Promise<FlashResult> {
    const { request, source, drives } = job;
    const names = drives.map((d) => d.device).join(', ');
    ctx.setOutcome(`${names} ${drives.length === 1 ? 'is' : 'are'} unusable until flashed again.`);
    for (const drive of drives)
      ctx.log(
        `Drive ${drive.device}: ${drive.vendor ?? ''} ${drive.model ?? drive.name}, ${drive.sizeBytes} bytes, ${drive.bus}`,
      );
    ctx.log(`Image ${source.path} (${source.format})`);
    for (const drive of drives)
      await unmountDrive(drive, { log: (line) => ctx.log(line), signal: ctx.signal });
    // The app never writes a disk itself: the privileged writer (pkexec, or directly when already root) re-checks
    // every drive with the same policy and streams progress back over its stdout.
    const written = await this.runWriter({
      source: source.path,
      devices: drives.map((d) => d.rawDevice),
      signal: ctx.signal,
      verify: request.verify ?? true,
      internalDisk: job.internalDisk,
      onProgress: (progress) => ctx.progress({ ...progress, unit: 'bytes' }),
      log: (line) => ctx.log(line),
    }).catch((error: unknown) => {
      // A cancelled task is shown as cancelled whatever the error: the outcome keeps the warning visible.
      if (hasCode<FlashErrorCode>(error, 'flash-writer-still-running'))
        ctx.setOutcome(`${error.message} ${error.hint}`);
      else if (error instanceof CompanionError && refusedBeforeWriting(error.code))
        ctx.setOutcome(`Nothing was written: ${names} ${drives.length === 1 ? 'is' : 'are'} as before.`);
      throw error;
    });
    const cards = drives.map((drive, i) => ({ drive, card: written.devices[i] }));
    const result: FlashResult = {
      image: source.path,
      bytesWritten: written.bytesWritten,
      sourceSha256: written.sourceSha256,
      verified: written.verified,
      writeSeconds: written.writeSeconds,
      verifySeconds: written.verifySeconds,
      devices: cards.map(({ drive, card }) => ({
        ...(card ?? { ok: false, bytesWritten: 0, verified: false }),
        device: drive.device,
      })),
    };
    // Set before the cards are finished: a later failure (a bootstrap mismatch) still leaves what each card holds.
    ctx.setResult(result);
    const { lines, ejected } = await finishCards({
      cards,
      sourceSha256: written.sourceSha256,
      imagePath: source.path,
      eject: request.eject ?? true,
      hosts: this.deps.hosts.list(),
      ctx,
    });
    // One sentence per card, so a batch shows which cards to keep and which to flash again.
    ctx.setOutcome(lines.join('\n'));
    const finished: FlashResult = {
      ...result,
      devices: result.devices.map((card) => {
        const state = ejected.get(card.device);
        return state ? { ...card, ejected: state } : card;
      }),
    };
    ctx.setResult(finished);
    const failed = cards.filter(({ card }) => !card?.ok).map(({ drive }) => drive.device);
    if (failed.length > 0) {
      throw new FlashError(
        'flash-some-cards-failed',
        `${failed.length} of ${cards.length} cards failed (${failed.join(', ')}); the others hold the image.`,
        'Flash the failed cards again (try another card or reader if it happens again).',
      );
    }
    return finished;
  }

  private async describeSource(image: string) {
    const path = resolve(image);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) {
      throw new FlashError(
        'flash-image-missing',
        `The image ${path} does not exist.`,
        'Choose an .img, .img.zst, .img.xz or .img.gz file.',
      );
    }
    const format = await sniffImageFormat(path);
    return { path, format, knownSize: format === 'raw' ? info.size : null };
  }
}
