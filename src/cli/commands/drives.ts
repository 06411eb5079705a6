import { realpath, stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { whyUnreadable } from '../../errors.js';
import {
  assessDrive,
  describeVerdict,
  type Drive,
  type DriveVerdict,
  findSourceDevice,
  formatDriveSize,
  listDrives,
  type SafetyContext,
} from '../../flash/index.js';
import { CliError } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';
import { renderTable } from '../format/table.js';
import { wantsJson } from '../options.js';
import type { CliSession } from '../session.js';

export interface DriveChoice {
  drive: Drive;
  verdict: DriveVerdict;
}

// The size on disk of a compressed image says nothing about what it needs on the card.
const COMPRESSED = /\.(xz|zst|gz|bz2|zip|7z)$/i;

/** `companion drives`: every drive with the safety policy's verdict, so a user sees why a card is (not) offered. */
export function registerDrivesCommand(program: Command, session: CliSession): void {
  program
    .command('drives')
    .description('list drives and whether an image may be written to each (never a system disk)')
    .option('--json', 'print [{ drive, verdict }] as JSON')
    .option('--all', 'also offer built-in disks (after confirming them) and loop devices')
    .option('--image <file>', 'judge the drives for this image: its size, and the disk it lives on')
    .action(async (options: { all?: boolean; image?: string }, command: Command) => {
      const context = await safetyContext(options.image ?? null, options.all === true);
      const choices = (await listDrives()).map((drive) => ({ drive, verdict: assessDrive(drive, context) }));
      if (wantsJson(command)) session.printJson(choices);
      else session.io.out(formatDriveChoices(choices));
    });
}

async function safetyContext(image: string | null, showAllDrives: boolean): Promise<SafetyContext> {
  if (!image) return { imageSizeBytes: null, sourcePath: null, sourceDevice: null, showAllDrives };
  try {
    const sourcePath = await realpath(image);
    const info = await stat(sourcePath);
    return {
      imageSizeBytes: COMPRESSED.test(sourcePath) ? null : info.size,
      sourcePath,
      sourceDevice: await findSourceDevice(sourcePath),
      showAllDrives,
    };
  } catch (error) {
    throw new CliError(
      `The image ${image} ${whyUnreadable(error)}.`,
      'Check the path given to --image.',
      ExitCode.usage,
      { cause: error },
    );
  }
}

/** The drives table: one row per drive, the verdict and its reasons on the row. */
export function formatDriveChoices(choices: readonly DriveChoice[]): string {
  if (choices.length === 0) return 'No drives found. Insert the SD card (or its reader) and try again.\n';
  const rows = choices.map(({ drive, verdict }) => [
    drive.device,
    formatDriveSize(drive.sizeBytes),
    drive.bus,
    drive.name,
    describeVerdict(verdict),
  ]);
  const lines = renderTable(['DEVICE', 'SIZE', 'BUS', 'MODEL', 'VERDICT'], rows, ['left', 'right']);
  const hidden = choices.some(
    (c) => !c.verdict.offered && c.verdict.reasons.every((r) => r.severity !== 'refuse'),
  );
  const tip = hidden
    ? ['', 'Drives marked hidden are offered with --all (built-in disks then need confirming).']
    : [];
  return `${[...lines, ...tip].join('\n')}\n`;
}
