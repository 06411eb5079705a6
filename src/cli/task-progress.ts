import type { ErrorInfo, TaskSnapshot } from '../contract/index.js';
import type { Core } from '../core.js';
import { CliError, exitCodeForErrorCode } from './cli-error.js';
import { ExitCode } from './exit-codes.js';
import { taskDuration } from './format/format-time.js';
import { createBarView, createLineView, silentProgressView, type ProgressView } from './progress-views.js';
import type { CliIo } from './session.js';

export type TaskCore = Pick<Core, 'events' | 'router'>;

export interface TaskProgressOptions {
  view?: ProgressView;
  /** Where Ctrl-C comes from; tests pass an EventEmitter. */
  interrupts?: Pick<NodeJS.EventEmitter, 'on' | 'off'>;
  /** Told about the first Ctrl-C, e.g. to say "cancelling…". */
  onCancelRequested?: () => void;
}

const FINISHED = new Set<TaskSnapshot['state']>(['succeeded', 'failed', 'cancelled']);

/**
 * Starts a task and follows it to its end: progress goes to `view`, the first Ctrl-C asks the core to cancel and waits
 * until the task reports "cancelled" (so it can clean up), a second one gives up waiting (exit 130). Resolves with the
 * final snapshot in every end state; pair it with `taskFailure` to turn that into an exit code.
 */
export async function runTaskWithProgress(
  core: TaskCore,
  start: () => Promise<string>,
  options: TaskProgressOptions = {},
): Promise<TaskSnapshot> {
  const view = options.view ?? silentProgressView;
  const interrupts = options.interrupts ?? process;
  // Events emitted while `start` runs arrive before we know the id; keep them so the first update is not lost.
  const early = new Map<string, TaskSnapshot>();
  let taskId: string | null = null;
  let interruptCount = 0;
  let settle: { resolve: (task: TaskSnapshot) => void; reject: (error: unknown) => void } | undefined;
  const ended = new Promise<TaskSnapshot>((resolve, reject) => (settle = { resolve, reject }));

  const follow = (task: TaskSnapshot) => {
    if (task.progress) view.update(task.progress);
    if (FINISHED.has(task.state)) settle?.resolve(task);
  };
  const unsubscribe = core.events.subscribe((event) => {
    if (event.type !== 'task.updated') return;
    if (taskId === null) early.set(event.task.id, event.task);
    else if (event.task.id === taskId) follow(event.task);
  });
  const requestCancel = () => {
    if (taskId !== null) void core.router.invoke('tasks.cancel', { id: taskId });
  };
  const onInterrupt = () => {
    interruptCount += 1;
    view.stop();
    if (interruptCount === 1) {
      options.onCancelRequested?.();
      requestCancel();
      return;
    }
    settle?.reject(
      new CliError(
        'Stopped without waiting for the task to finish cancelling.',
        'The task may have been cut off mid-way; "companion tasks" shows what it left behind.',
        ExitCode.cancelled,
      ),
    );
  };

  interrupts.on('SIGINT', onInterrupt);
  try {
    taskId = await start();
    const seen = early.get(taskId);
    early.clear();
    if (seen) follow(seen);
    if (interruptCount > 0) requestCancel();
    return await ended;
  } finally {
    interrupts.off('SIGINT', onInterrupt);
    unsubscribe();
    view.stop();
  }
}

/** Progress settings for a CLI command: a bar on a terminal, lines on a pipe, nothing with `--json`. */
export function taskProgressOptions(io: CliIo, json: boolean): TaskProgressOptions {
  const view = json
    ? silentProgressView
    : io.terminal
      ? createBarView(io.terminal)
      : createLineView((line) => io.err(`${line}\n`));
  return {
    view,
    onCancelRequested: () => io.err('Cancelling… (press Ctrl-C again to stop waiting)\n'),
  };
}

/** The error to exit with for a task that did not succeed, or null when it did. */
export function taskFailure(task: TaskSnapshot): CliError | null {
  const notes = [
    ...(task.outcome ? [`outcome: ${task.outcome}`] : []),
    `log: companion tasks log ${task.id}`,
  ];
  if (task.state === 'cancelled') {
    const hint = task.error?.cliHint ?? task.error?.hint ?? 'Start it again when you are ready.';
    return new CliError(`${task.title} was cancelled.`, hint, ExitCode.cancelled, { notes });
  }
  if (task.state === 'failed') {
    const error: ErrorInfo = task.error ?? {
      code: 'failed',
      message: `${task.title} failed.`,
      hint: 'Read the task log.',
    };
    const environment = exitCodeForErrorCode(error.code) === ExitCode.environment;
    return new CliError(
      error.message,
      error.cliHint ?? error.hint,
      environment ? ExitCode.environment : ExitCode.failed,
      {
        notes,
      },
    );
  }
  return null;
}

/** "Self-test (5 steps) succeeded in 0.1 s." */
export function taskSummary(task: TaskSnapshot): string {
  return `${task.title} ${task.state} in ${taskDuration(task.startedAt, task.endedAt)}.`;
}
