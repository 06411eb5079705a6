import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { DriveChoice, FlashRequest } from '../contract/index.js';
import { sniffImageFormat } from '../image/image-format.js';
import type { TaskManager } from '../tasks/task-manager.js';
import { assessDrive, describeVerdict } from './drives/drive-safety.js';
import { listDrives } from './drives/list-drives.js';
import { findSourceDevice } from './drives/source-device.js';
import { FlashError } from './flash-errors.js';
import { writeImageToDevice } from './write/write-image-to-device.js';

export interface FlashResult {
  device: string;
  image: string;
  bytesWritten: number;
  sourceSha256: string;
  verified: boolean;
  writeSeconds: number;
  verifySeconds: number;
}

/** Flashing as the faces see it: drives with the policy's verdicts, and a checked start of the write task. */
export class FlashService {
  private readonly results = new Map<string, FlashResult>();

  constructor(private readonly deps: { tasks: TaskManager }) {}

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

  /** Refuses before any byte is written when the policy says no, or a confirmation is missing. */
  async start(request: FlashRequest): Promise<{ id: string; result: Promise<unknown> }> {
    const source = await this.describeSource(request.image);
    const choices = await this.drives({ showAllDrives: request.showAllDrives, image: source.path });
    const choice = choices.find(
      (c) => c.drive.device === request.device || c.drive.rawDevice === request.device,
    );
    if (!choice) {
      throw new FlashError(
        'flash-drive-not-found',
        `There is no drive ${request.device}.`,
        'Insert the card and pick it from the list again (`companion drives` lists them).',
      );
    }
    const { drive, verdict } = choice;
    if (!verdict.writable || !verdict.offered) {
      throw new FlashError(
        'flash-drive-refused',
        `${drive.device} may not be written: ${describeVerdict(verdict)}`,
        'Pick the SD card itself; system disks are never written.',
      );
    }
    if (verdict.needsConfirmation && !request.confirmed) {
      throw new FlashError(
        'flash-needs-confirmation',
        `Writing ${drive.device} needs your confirmation: ${verdict.confirmationText}.`,
        'Confirm the drive by its model and size (--yes on the command line) if it really is your card.',
      );
    }
    const title = `Flash ${drive.model ?? drive.name} (${drive.device})`;
    return this.deps.tasks.start('flash', title, async (ctx) => {
      ctx.setOutcome(`${drive.device} is unusable until it is flashed again.`);
      ctx.log(
        `Drive ${drive.device}: ${drive.vendor ?? ''} ${drive.model ?? drive.name}, ${drive.sizeBytes} bytes, ${drive.bus}`,
      );
      ctx.log(`Image ${source.path} (${source.format})`);
      const result = await writeImageToDevice({
        source: source.path,
        device: drive.rawDevice,
        signal: ctx.signal,
        verify: request.verify ?? true,
        onProgress: (progress) => ctx.progress({ ...progress, unit: 'bytes' }),
        log: (line) => ctx.log(line),
      });
      this.results.set(ctx.taskId, { device: drive.device, image: source.path, ...result });
      ctx.setOutcome(
        `${drive.device} holds the image (${result.bytesWritten} bytes, sha256 ${result.sourceSha256})` +
          (result.verified ? ', verified by reading it back.' : '; verification was skipped.'),
      );
      return result;
    });
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
