import type { DriveChoice } from '../../contract/index.js';
import { formatDriveSize } from '../../flash/index.js';
import { CliError } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';
import type { CliIo } from '../session.js';

const PICK_THE_CARD = 'pick the SD card itself (`companion drives` lists them)';

/** What to do about a refusal, by the policy's reason code, in the command line's own words (its flags). */
const REFUSAL_HINTS: Record<string, string> = {
  'system-disk': `The computer runs from this disk, so it is never written: ${PICK_THE_CARD}.`,
  'holds-source': 'Copy the image to another disk first, or pick another card.',
  'no-media': 'Insert the card (or reseat it in its reader) and run the command again.',
  'read-only':
    'Slide the lock switch on the card (or adapter) to unlocked, insert it again and run the command again.',
  'too-small': 'Use a larger card.',
};

/** The drive a device name on the command line means: its kernel name or, on macOS, its raw one. */
export function findChoice(choices: readonly DriveChoice[], device: string): DriveChoice | undefined {
  return choices.find((c) => c.drive.device === device || c.drive.rawDevice === device);
}

/**
 * Why `device` may not be written, phrased for the command line: a drive left out only until the user asks for
 * internal and loop drives names --allow-non-removable; a real refusal (system disk, too small) names what helps.
 * Null when the drive may be written.
 */
export function refusalFor(device: string, choice: DriveChoice | undefined): CliError | null {
  if (!choice)
    return new CliError(
      `There is no drive ${device}.`,
      'Insert the card and check its name with `companion drives`.',
      ExitCode.failed,
    );
  const { drive, verdict } = choice;
  if (choice.busy)
    return new CliError(
      `${drive.device} is being written by ${choice.busy.taskId ? `"${choice.busy.title}"` : choice.busy.title}. Nothing was written by this command.`,
      'Wait for that flash to finish (or cancel it where it runs); `companion tasks` lists the runs of the app and the CLI.',
      ExitCode.failed,
    );
  if (verdict.offered && verdict.writable) return null;
  const refusals = verdict.reasons.filter((r) => r.severity === 'refuse');
  const [first] = refusals;
  if (first)
    return new CliError(
      `${drive.device} may not be written: ${refusals.map((r) => r.message).join(' ')}`,
      REFUSAL_HINTS[first.code] ?? `${capitalized(PICK_THE_CARD)}.`,
      ExitCode.failed,
    );
  const internal = verdict.reasons.some((r) => r.code === 'internal-disk');
  const what = internal
    ? `a built-in disk (${drive.bus}), not a removable card`
    : 'a loop device (a file used as a disk), not a removable card';
  return new CliError(
    `${drive.device} is ${what}: it is written only when you allow non-removable drives.`,
    `If it really is the drive you mean, pass --allow-non-removable${internal ? ' (the disk then asks for its own authorization)' : ''}; otherwise ${PICK_THE_CARD}.`,
    ExitCode.failed,
  );
}

/** The drives as the question shows them: device, model and size, and what the policy warns about. */
export function describeForConfirmation(image: string, picked: readonly DriveChoice[]): string {
  const lines = [`Writing ${image} erases everything on:`];
  for (const { drive, verdict } of picked) {
    lines.push(`  ${drive.device}  ${drive.name}, ${formatDriveSize(drive.sizeBytes)} (${drive.bus})`);
    for (const reason of verdict.reasons.filter((r) => r.severity === 'warn'))
      lines.push(`    ${reason.message}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Asks before a write the user did not confirm with --yes: on a terminal they answer y; without one (a pipe, a
 * script) nothing is erased and the hint names --yes. Resolves only when the answer was yes.
 */
export async function confirmErase(io: CliIo, image: string, picked: readonly DriveChoice[]): Promise<void> {
  const devices = picked.map((c) => c.drive.device).join(', ');
  const them = picked.length === 1 ? 'it' : 'them';
  if (!io.ask)
    throw new CliError(
      `Writing ${devices} erases everything on ${them}, and there is no terminal to confirm that on. Nothing was written.`,
      `Check the drive with \`companion drives\`, then pass --yes to confirm it.`,
      ExitCode.usage,
    );
  io.err(describeForConfirmation(image, picked));
  const answer = await io.ask(`Erase everything on ${them}? [y/N] `);
  if (!/^\s*y(es)?\s*$/i.test(answer ?? ''))
    throw new CliError(
      `Nothing was written: erasing ${devices} was not confirmed.`,
      'Run the command again and answer y, or pass --yes.',
      ExitCode.cancelled,
    );
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
