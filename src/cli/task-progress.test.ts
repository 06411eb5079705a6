import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TaskProgress, TaskSnapshot } from '../contract/index.js';
import { tempCore, type TempCore } from '../../test/helpers/temp-core.js';
import { EventHub } from '../event-hub.js';
import { CliError } from './cli-error.js';
import type { ProgressView } from './progress-views.js';
import { runTaskWithProgress, taskFailure, taskSummary, type TaskCore } from './task-progress.js';

function snapshot(id: string, state: TaskSnapshot['state'], extra: Partial<TaskSnapshot> = {}): TaskSnapshot {
  return {
    id,
    kind: 'self-test',
    title: 'Self-test (3 steps)',
    state,
    progress: null,
    startedAt: '2025-01-01T00:00:00.000Z',
    endedAt: state === 'running' ? null : '2025-01-01T00:00:01.500Z',
    error: null,
    outcome: null,
    logFile: `/tmp/${id}.log`,
    subject: null,
    ...extra,
  };
}

const progress = (done: number): TaskProgress => ({
  phase: 'counting',
  done,
  total: 3,
  rate: null,
  unit: 'steps',
});

/** A core whose router answers `tasks.cancel` by reporting the task cancelled, as the real one does. */
function fakeCore(): TaskCore & { cancelled: string[] } {
  const events = new EventHub();
  const cancelled: string[] = [];
  const invoke = vi.fn(async (channel: unknown, request: unknown) => {
    if (channel === 'tasks.cancel') {
      const { id } = request as { id: string };
      cancelled.push(id);
      setTimeout(() => events.emit({ type: 'task.updated', task: snapshot(id, 'cancelled') }), 5);
    }
    return { ok: true as const, value: { cancelled: true } };
  });
  return { events, router: { invoke }, cancelled };
}

function recordingView(): ProgressView & { seen: number[]; stopped: boolean } {
  const view = {
    seen: [] as number[],
    stopped: false,
    update: (p: TaskProgress) => void view.seen.push(p.done),
    stop: () => void (view.stopped = true),
  };
  return view;
}

describe('runTaskWithProgress', () => {
  it('shows the task’s progress, ignores other tasks and resolves with the final snapshot', async () => {
    const core = fakeCore();
    const view = recordingView();
    const running = runTaskWithProgress(core, async () => 't-1', { view, interrupts: new EventEmitter() });
    await Promise.resolve();
    await Promise.resolve();
    core.events.emit({ type: 'task.updated', task: snapshot('t-1', 'running', { progress: progress(1) }) });
    core.events.emit({
      type: 'task.updated',
      task: snapshot('t-other', 'running', { progress: progress(2) }),
    });
    core.events.emit({ type: 'task.updated', task: snapshot('t-1', 'succeeded', { progress: progress(3) }) });
    await expect(running).resolves.toMatchObject({ id: 't-1', state: 'succeeded' });
    expect(view.seen).toEqual([1, 3]);
    expect(view.stopped).toBe(true);
  });

  it('keeps what the task reported while it was being started', async () => {
    const core = fakeCore();
    const start = async () => {
      core.events.emit({ type: 'task.updated', task: snapshot('t-2', 'failed', { progress: progress(2) }) });
      return 't-2';
    };
    await expect(runTaskWithProgress(core, start, { interrupts: new EventEmitter() })).resolves.toMatchObject(
      {
        state: 'failed',
      },
    );
  });

  it('cancels on the first Ctrl-C and waits for the task to say it is cancelled', async () => {
    const core = fakeCore();
    const interrupts = new EventEmitter();
    const onCancelRequested = vi.fn();
    const running = runTaskWithProgress(core, async () => 't-3', { interrupts, onCancelRequested });
    await new Promise((resolve) => setTimeout(resolve, 1));
    interrupts.emit('SIGINT');
    await expect(running).resolves.toMatchObject({ id: 't-3', state: 'cancelled' });
    expect(core.cancelled).toEqual(['t-3']);
    expect(onCancelRequested).toHaveBeenCalledOnce();
    expect(interrupts.listenerCount('SIGINT')).toBe(0);
  });

  it('cancels once the id is known when Ctrl-C comes during start', async () => {
    const core = fakeCore();
    const interrupts = new EventEmitter();
    const start = async () => {
      interrupts.emit('SIGINT');
      return 't-4';
    };
    await expect(runTaskWithProgress(core, start, { interrupts })).resolves.toMatchObject({
      state: 'cancelled',
    });
    expect(core.cancelled).toEqual(['t-4']);
  });

  it('stops waiting on a second Ctrl-C with exit code 130', async () => {
    const core = fakeCore();
    core.router.invoke = async () => ({ ok: true, value: { cancelled: true } }); // a task slow to stop
    const interrupts = new EventEmitter();
    const running = runTaskWithProgress(core, async () => 't-5', { interrupts });
    await new Promise((resolve) => setTimeout(resolve, 1));
    interrupts.emit('SIGINT');
    interrupts.emit('SIGINT');
    await expect(running).rejects.toMatchObject({ exitCode: 130 });
  });
});

describe('runTaskWithProgress against the real core', () => {
  let temp: TempCore | undefined;
  afterEach(() => temp?.dispose());

  it('runs the self-test to success, then cancels one on Ctrl-C', async () => {
    temp = await tempCore('companion-cli-');
    const { core } = temp;
    const start = (steps: number) => async () => {
      const result = await core.router.invoke('tasks.startSelfTest', { steps, stepMs: 5 });
      if (!result.ok) throw new Error(result.error.message);
      return (result.value as { id: string }).id;
    };
    const view = recordingView();
    const done = await runTaskWithProgress(core, start(3), { view, interrupts: new EventEmitter() });
    expect(done.state).toBe('succeeded');
    expect(view.seen.at(-1)).toBe(3);

    const interrupts = new EventEmitter();
    const running = runTaskWithProgress(core, start(1000), { interrupts });
    setTimeout(() => interrupts.emit('SIGINT'), 30);
    const cancelled = await running;
    expect(cancelled.state).toBe('cancelled');
    expect(core.tasks.get(cancelled.id).state).toBe('cancelled');
  });
});

describe('taskFailure', () => {
  it('is null for a task that succeeded', () => {
    expect(taskFailure(snapshot('t-1', 'succeeded'))).toBeNull();
  });

  it('turns a failed task into exit 1 with its message, hint, outcome and log', () => {
    const error = {
      code: 'self-test-failure',
      message: 'Failed at step 2.',
      hint: 'Run it without --fail-at.',
    };
    const failure = taskFailure(snapshot('t-1', 'failed', { error, outcome: 'Nothing was changed.' }));
    expect(failure).toBeInstanceOf(CliError);
    expect(failure).toMatchObject({
      exitCode: 1,
      message: 'Failed at step 2.',
      hint: 'Run it without --fail-at.',
    });
    expect(failure?.notes).toEqual(['outcome: Nothing was changed.', 'log: companion tasks log t-1']);
  });

  it('turns a missing tool into exit 3 and a cancel into exit 130', () => {
    const error = { code: 'missing-tool', message: 'debugfs is missing.', hint: 'Install e2fsprogs.' };
    expect(taskFailure(snapshot('t-1', 'failed', { error }))?.exitCode).toBe(3);
    expect(taskFailure(snapshot('t-1', 'cancelled'))).toMatchObject({
      exitCode: 130,
      message: 'Self-test (3 steps) was cancelled.',
    });
  });
});

describe('taskSummary', () => {
  it('says what ended how, and how long it took', () => {
    expect(taskSummary(snapshot('t-1', 'succeeded'))).toBe('Self-test (3 steps) succeeded in 1.5 s.');
  });
});
