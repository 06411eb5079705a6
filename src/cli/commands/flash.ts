import type { Command } from 'commander';
import { stat } from 'node:fs/promises';
import { taskResultOf, type DriveChoice } from '../../contract/index.js';
import { whyUnreadable } from '../../errors.js';
import { CliError } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';
import { wantsJson } from '../options.js';
import type { CliSession } from '../session.js';
import { confirmErase, findChoice, refusalFor } from './flash-confirm.js';
import { runTaskWithProgress, taskFailure, taskProgressOptions, taskSummary } from '../task-progress.js';

interface FlashOptions {
  yes?: boolean;
  verify: boolean;
  allowNonRemovable?: boolean;
}

/**
 * `companion flash`: the same checked write as the Flash page; system disks are refused whatever the flags. Without
 * --yes it shows the drives and asks, as the page does, and refuses when there is no terminal to ask on.
 */
export function registerFlashCommand(program: Command, session: CliSession): void {
  program
    .command('flash')
    .description(
      'write an image (.img, .img.zst, .img.xz, .img.gz) to one or more SD cards at once, partition table last, then verify',
    )
    .argument('<image>', 'the image file')
    .argument('<device...>', 'the card(s), e.g. /dev/sdb or /dev/mmcblk0 (see `companion drives`); up to 8')
    .option(
      '--yes',
      'erase the drives without asking (else it asks on the terminal, and refuses without one)',
    )
    .option('--no-verify', 'skip reading the card back (not recommended)')
    .option(
      '--allow-non-removable',
      'allow internal and loop drives; an internal disk then asks for its own "erase an internal disk" authorization (system disks stay refused)',
    )
    .option(
      '--json',
      'print {"image","bytesWritten","sourceSha256","verified","devices":[{"device","ok",…}],…} when done',
    )
    .action(async (image: string, devices: string[], options: FlashOptions, command: Command) => {
      const json = wantsJson(command);
      const core = await session.core();
      const showAllDrives = options.allowNonRemovable ?? false;
      // Asked before anything runs, so a refusal or a "no" leaves every card as it was.
      const picked = await checkedDrives(session, image, devices, showAllDrives);
      if (!options.yes) await confirmErase(session.io, image, picked);
      const task = await runTaskWithProgress(
        core,
        async () =>
          (
            await session.call('flash.start', {
              image,
              devices,
              verify: options.verify,
              showAllDrives,
              // The user saw each drive's device, model and size (or passed --yes for them).
              confirmed: true,
            })
          ).id,
        taskProgressOptions(session.io, json),
      );
      const failure = taskFailure(task);
      if (failure) throw failure;
      const result = taskResultOf('flash', await session.call('tasks.result', { id: task.id }));
      if (!result)
        throw new CliError('The flash finished without a result.', 'Report this bug.', ExitCode.failed);
      if (json) session.printJson(result);
      else session.io.out(`${taskSummary(task)}\n`);
    });
}

/** The requested drives as the policy judges them now; the first one that may not be written ends the command. */
async function checkedDrives(
  session: CliSession,
  image: string,
  devices: readonly string[],
  showAllDrives: boolean,
): Promise<DriveChoice[]> {
  await stat(image).catch((error: unknown) => {
    throw new CliError(
      `The image ${image} ${whyUnreadable(error)}.`,
      'Check the image path.',
      ExitCode.usage,
    );
  });
  const choices = await session.call('flash.drives', { showAllDrives, image });
  const picked = new Map<string, DriveChoice>();
  for (const device of devices) {
    const choice = findChoice(choices, device);
    const refusal = refusalFor(device, choice);
    if (refusal) throw refusal;
    if (choice) picked.set(choice.drive.device, choice);
  }
  return [...picked.values()];
}
