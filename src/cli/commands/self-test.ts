import type { Command } from 'commander';
import { integerOption, wantsJson } from '../options.js';
import type { CliSession } from '../session.js';
import { runTaskWithProgress, taskFailure, taskProgressOptions, taskSummary } from '../task-progress.js';

interface SelfTestOptions {
  steps: number;
  stepMs: number;
  failAt?: number;
}

/** `companion self-test`: a task that only counts, to check progress, cancel and logs end to end. */
export function registerSelfTestCommand(program: Command, session: CliSession): void {
  program
    .command('self-test')
    .description('run a harmless counting task to check progress, Ctrl-C cancel and the task log')
    .option('--steps <n>', 'how many steps to count', integerOption(1, 10_000), 20)
    .option('--step-ms <ms>', 'milliseconds per step', integerOption(1, 10_000), 100)
    .option('--fail-at <n>', 'fail on purpose at this step', integerOption(1))
    .option('--json', 'print the finished task as JSON instead of progress')
    .action(async (options: SelfTestOptions, command: Command) => {
      const json = wantsJson(command);
      const core = await session.core();
      const task = await runTaskWithProgress(
        core,
        async () => {
          const request = { steps: options.steps, stepMs: options.stepMs, failAt: options.failAt };
          return (await session.call('tasks.startSelfTest', request)).id;
        },
        taskProgressOptions(session.io, json),
      );
      if (json) session.printJson(task);
      const failure = taskFailure(task);
      if (failure) throw failure;
      if (!json) session.io.out(`${taskSummary(task)}\n`);
    });
}
