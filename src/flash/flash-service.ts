import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { DriveChoice, FlashRequest } from '../contract/index.js';
import { CompanionError, hasCode, isCode } from '../errors.js';
import { sniffImageFormat } from '../image/index.js';
import type { HostProfiles } from '../hosts/index.js';
import type { TaskContext, TaskManager } from '../tasks/index.js';
import { checkBootstrapFilesOnCard, findProvisionFor } from './after/check-bootstrap-files.js';
import { findProvisionOnCard } from './after/find-provision-on-card.js';
import { ejectDrive } from './after/eject-drive.js';
import { assessDrive, describeVerdict, type DriveReasonCode } from './drives/drive-safety.js';
import { listDrives } from './drives/list-drives.js';
import { findSourceDevice } from './drives/source-device.js';
import { FlashError, refusedBeforeWriting, type FlashErrorCode } from './flash-errors.js';
import { unmountDrive } from './prepare/unmount-drive.js';
import { runPrivilegedWriter } from './elevate/run-privileged-writer.js';
import type { InternalDisk } from './elevate/writer-launch.js';
import { diskIdName } from './drives/disk-by-id.js';
import { assertImageHoldsItsPartitions } from './write/image-extents.js';
import type { DeviceWriteResult } from './write/write-image-to-device.js';

export interface FlashResult {
  image: string;
  bytesWritten: number;
  sourceSha256: string;
  verified: boolean;
  writeSeconds: number;
  verifySeconds: number;
  /** Every card's own result, named as the drive list names it. */
  devices: DeviceWriteResult[];
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
  const choice = choices.find((c) => c.drive.device === device || c.drive.rawDevice === device);
  if (!choice) {
    throw new FlashError(
      'flash-drive-not-found',
      `There is no drive ${device}.`,
      'Insert the card and pick it from the list again (`companion drives` lists them).',
    );
  }
  const { drive, verdict } = choice;
  if (!verdict.writable || !verdict.offered) {
    throw new FlashError(
      'flash-drive-refused',
      `${drive.device} may not be written: ${describeVerdict(verdict)}`,
      verdict.writable
        ? 'If it really is the drive you mean, choose "Show all drives" (`--allow-non-removable` on the command line); otherwise pick the SD card itself.'
        : 'Pick the SD card itself; system disks are never written.',
    );
  }
  if (verdict.needsConfirmation && !request.confirmed) {
    throw new FlashError(
      'flash-needs-confirmation',
      `Writing ${drive.device} needs your confirmation: ${verdict.confirmationText}.`,
      'Confirm the drive by its model and size (--yes on the command line) if it really is your card.',
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

/** Flashing as the faces see it: drives with the policy's verdicts, and a checked start of the write task. */
export class FlashService {
  private readonly results = new Map<string, FlashResult>();

  constructor(private readonly deps: { tasks: TaskManager; hosts: Pick<HostProfiles, 'list'> }) {}

  async drives(request: { showAllDrives?: boolean; image?: string }): Promise<DriveChoice[]> {
    const source = request.image ? await this.describeSource(request.image).catch(() => null) : null;
    const context = {
      imageSizeBytes: source?.knownSize ?? null,
      sourcePath: source?.path ?? null,
      sourceDevice: source ? await findSourceDevice(source.path) : null,
      showAllDrives: request.showAllDrives ?? false,
    };
    return (await listDrives()).map((drive) => ({ drive, verdict: assessDrive(drive, context) }));
  }

  /** Refuses before any byte is written when the policy says no for any drive, or a confirmation is missing. */
  async start(request: FlashRequest): Promise<{ id: string; result: Promise<unknown> }> {
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
    return this.deps.tasks.start('flash', title, async (ctx) => {
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
      const result = await runPrivilegedWriter({
        source: source.path,
        devices: drives.map((d) => d.rawDevice),
        signal: ctx.signal,
        verify: request.verify ?? true,
        internalDisk,
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
      const cards = drives.map((drive, i) => ({ drive, card: result.devices[i] }));
      this.results.set(ctx.taskId, {
        image: source.path,
        ...result,
        devices: cards.map(({ drive, card }) => ({
          ...(card ?? { ok: false, bytesWritten: 0, verified: false }),
          device: drive.device,
        })),
      });
      const lines = await this.finishCards(cards, result, source.path, request.eject ?? true, ctx);
      // One sentence per card, so a batch shows which cards to keep and which to flash again.
      ctx.setOutcome(lines.join('\n'));
      const failed = cards.filter(({ card }) => !card?.ok).map(({ drive }) => drive.device);
      if (failed.length > 0) {
        throw new FlashError(
          'flash-some-cards-failed',
          `${failed.length} of ${cards.length} cards failed (${failed.join(', ')}); the others hold the image.`,
          'Flash the failed cards again (try another card or reader if it happens again).',
        );
      }
      return result;
    });
  }

  /** Per card: re-checks the bootstrap files of a good one and ejects it; returns one outcome sentence per card. */
  private async finishCards(
    cards: readonly { drive: DriveChoice['drive']; card: DeviceWriteResult | undefined }[],
    result: { sourceSha256: string },
    imagePath: string,
    eject: boolean,
    ctx: TaskContext,
  ): Promise<string[]> {
    const lines: string[] = [];
    for (const { drive, card } of cards) {
      if (!card?.ok) {
        lines.push(`${drive.device} FAILED: ${card?.error?.message ?? 'no result'}`);
        continue;
      }
      const done = [
        `${drive.device} holds the image (${card.bytesWritten} bytes, sha256 ${result.sourceSha256})` +
          (card.verified ? ', verified by reading it back' : '; verification was skipped'),
      ];
      ctx.setOutcome([...lines, `${done[0]}.`].join('\n'));
      done.push(
        await this.recheckBootstrapFiles(
          drive.device,
          imagePath,
          { ...result, verified: card.verified },
          ctx,
        ),
      );
      if (eject) {
        const ejected = await ejectDrive(drive, { log: (line, level) => ctx.log(line, level) });
        done.push(ejected ? 'ejected — you can remove the card' : 'not ejected: eject it before removing it');
      } else done.push('left attached (eject was turned off)');
      lines.push(`${done.filter(Boolean).join('; ')}.`);
    }
    return lines;
  }

  /**
   * When the flashed image is a host's provisioned one, re-reads its bootstrap files from the card. A mismatch fails
   * the task; a card this user cannot read is only a warning (first boot checks the pinned key anyway). Returns the
   * outcome clause, '' when there was nothing to check.
   */
  private async recheckBootstrapFiles(
    device: string,
    imagePath: string,
    result: { sourceSha256: string; verified: boolean },
    ctx: TaskContext,
  ): Promise<string> {
    const hosts = this.deps.hosts.list();
    // By path first; a renamed or copied image is recognised by the host key it put on the card (read only when
    // the card was verified: an unverified card's files say nothing).
    const match =
      findProvisionFor(hosts, { imagePath, sourceSha256: result.sourceSha256 }) ??
      (result.verified ? await findProvisionOnCard(device, hosts, ctx.signal) : null);
    if (!match) {
      ctx.log('The image is not one this app provisioned: no bootstrap files to re-check.');
      return '';
    }
    if (!result.verified) {
      ctx.log(`Bootstrap files of ${match.host} not re-checked: verification was turned off.`, 'warn');
      return 'bootstrap files not re-checked';
    }
    ctx.log(`Re-checking the bootstrap files of ${match.host} on the card…`);
    try {
      const files = await checkBootstrapFilesOnCard({ device, record: match.record, signal: ctx.signal });
      for (const f of files)
        ctx.log(`  ${f.path}: mode 0${f.mode.toString(8)}, owner ${f.uid}:${f.gid}, as provisioned`);
      ctx.log(`Bootstrap files re-checked on the card (${files.length} files).`);
      return `bootstrap files re-checked (${files.length} files)`;
    } catch (error) {
      if (!(error instanceof FlashError) || error.code !== 'flash-bootstrap-unreadable') {
        if (error instanceof FlashError && error.code === 'flash-bootstrap-mismatch')
          ctx.setOutcome(
            `${device} holds an image whose bootstrap files are not as provisioned: do not boot it.`,
          );
        throw error;
      }
      ctx.log(`${error.message} ${error.hint}`, 'warn');
      return 'bootstrap files not re-checked (card not readable)';
    }
  }

  /** What a finished flash in this process wrote, for the CLI's --json. */
  resultOf(taskId: string): FlashResult | undefined {
    return this.results.get(taskId);
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
