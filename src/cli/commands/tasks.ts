import type { Command } from 'commander';
import { TaskId, type LogLine, type TaskSnapshot } from '../../contract/index.js';
import { CliError } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';
import { formatTimestamp, taskDuration } from '../format/format-time.js';
import { renderTable } from '../format/table.js';
import { integerOption, wantsJson } from '../options.js';
import type { CliSession } from '../session.js';

/** A typo is the user's to fix, not "a bug in the app": checked here, not only in the router. */
function checkedTaskId(id: string): string {
  if (!TaskId.safeParse(id).success) {
    throw new CliError(
      `"${id}" is not a task id.`,
      'Task ids look like t-…; "companion tasks" lists them.',
      ExitCode.usage,
    );
  }
  return id;
}

/** `companion tasks` (recent history), `companion tasks log <id>` and `companion tasks result <id>`. */
export function registerTasksCommand(program: Command, session: CliSession): void {
  const tasks = program
    .command('tasks')
    .description('list recent tasks (newest first), shared with the desktop app')
    .option('--json', 'print the tasks as JSON')
    .option('--limit <n>', 'how many tasks to show', integerOption(1, 10_000), 20)
    .action(async (options: { limit: number }, command: Command) => {
      const recent = newestFirst(await session.call('tasks.list', {})).slice(0, options.limit);
      if (wantsJson(command)) session.printJson(recent);
      else session.io.out(formatTaskList(recent));
    });

  tasks
    .command('log')
    .description("print a task's log")
    .argument('<id>', 'the task id, as "companion tasks" shows it')
    .option('--json', 'print the log lines as JSON')
    .action(async (id: string, _options, command: Command) => {
      const lines = await session.call('tasks.log', { id: checkedTaskId(id) });
      if (wantsJson(command)) session.printJson(lines);
      else session.io.out(lines.map(formatLogLine).join(''));
    });

  tasks
    .command('result')
    .description(
      "print what a task made, as JSON (a first-boot report, a flash's cards), kept with the history",
    )
    .argument('<id>', 'the task id, as "companion tasks" shows it')
    .action(async (id: string) => {
      const { result } = await session.call('tasks.result', { id: checkedTaskId(id) });
      if (result === null)
        throw new CliError(
          `Task ${id} left no result.`,
          'It failed or was cancelled before it made one; "companion tasks log <id>" says how far it got.',
          ExitCode.failed,
        );
      session.printJson(result);
    });
}

function newestFirst(tasks: TaskSnapshot[]): TaskSnapshot[] {
  return [...tasks].sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt));
}

/** The history table; a failed or cancelled task gets its error and hint on the lines below it. */
export function formatTaskList(tasks: TaskSnapshot[], now = Date.now()): string {
  if (tasks.length === 0) return 'No tasks yet.\n';
  const rows = tasks.map((task) => [
    task.id,
    task.kind,
    task.state,
    formatTimestamp(task.startedAt),
    taskDuration(task.startedAt, task.endedAt, now),
  ]);
  const [header = '', ...lines] = renderTable(['ID', 'KIND', 'STATE', 'STARTED', 'DURATION'], rows, [
    'left',
    'left',
    'left',
    'left',
    'right',
  ]);
  const out = [header];
  tasks.forEach((task, index) => {
    out.push(lines[index] ?? '');
    if (task.error) out.push(`    error: ${task.error.message}`, `    hint: ${task.error.hint}`);
  });
  return `${out.join('\n')}\n`;
}

export function formatLogLine(line: LogLine): string {
  return `${formatTimestamp(line.at)}  ${line.level.padEnd(5)}  ${line.message}\n`;
}
