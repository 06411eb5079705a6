import type { Command } from 'commander';
import { taskResultOf } from '../../contract/index.js';
import { CliError } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';
import { wantsJson } from '../options.js';
import type { CliSession } from '../session.js';
import { runTaskWithProgress, taskFailure, taskProgressOptions, taskSummary } from '../task-progress.js';

interface FlashOptions {
  yes?: boolean;
  verify: boolean;
  allowNonRemovable?: boolean;
}

/** `companion flash`: the same checked write as the Flash page; system disks are refused whatever the flags. */
export function registerFlashCommand(program: Command, session: CliSession): void {
  program
    .command('flash')
    .description(
      'write an image (.img, .img.zst, .img.xz, .img.gz) to one or more SD cards at once, partition table last, then verify',
    )
    .argument('<image>', 'the image file')
    .argument('<device...>', 'the card(s), e.g. /dev/sdb or /dev/mmcblk0 (see `companion drives`); up to 8')
    .option('--yes', 'confirm a drive that needs confirmation (large or non-removable)')
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
      const task = await runTaskWithProgress(
        core,
        async () =>
          (
            await session.call('flash.start', {
              image,
              devices,
              verify: options.verify,
              showAllDrives: options.allowNonRemovable ?? false,
              confirmed: options.yes ?? false,
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
