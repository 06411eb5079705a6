import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CompanionEvent } from '../contract/index.js';
import { CompanionError } from '../errors.js';
import { EventHub } from '../event-hub.js';
import { selfTestTask } from './self-test-task.js';
import { TaskHistory } from './task-history.js';
import { TaskManager } from './task-manager.js';

let dir: string;
let events: EventHub;
let seen: CompanionEvent[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tasks-'));
  events = new EventHub();
  seen = [];
  events.subscribe((event) => seen.push(event));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function manager(limit = 50): Promise<TaskManager> {
  const tasks = new TaskManager(new TaskHistory(dir, limit), events, { locksDir: join(dir, 'locks') });
  await tasks.init();
  return tasks;
}

describe('TaskManager', () => {
  it('runs a task to success with progress, rate and a log on disk', async () => {
    const tasks = await manager();
    const { id, result } = await tasks.start('self-test', 'Count', selfTestTask({ steps: 5, stepMs: 30 }));
    expect(await result).toEqual({ steps: 5 });
    const task = tasks.get(id);
    expect(task.state).toBe('succeeded');
    expect(task.progress).toMatchObject({ phase: 'counting', done: 5, total: 5, unit: 'steps' });
    expect(task.progress?.rate).toBeGreaterThan(0);
    const updates = seen.filter((e) => e.type === 'task.updated');
    expect(updates.at(0)).toMatchObject({ task: { state: 'running' } });
    expect(updates.at(-1)).toMatchObject({ task: { state: 'succeeded' } });
    const log = await tasks.log(id);
    expect(log.map((l) => l.message)).toEqual(expect.arrayContaining(['Started: Count', 'Done.']));
    expect(await readFile(task.logFile, 'utf8')).toContain('Started: Count');
  });

  it('cancels a running task through its AbortSignal and records it as cancelled', async () => {
    const tasks = await manager();
    const { id, result } = await tasks.start('self-test', 'Long', selfTestTask({ steps: 1000, stepMs: 20 }));
    await sleep(60);
    const began = Date.now();
    expect(tasks.cancel(id)).toBe(true);
    await expect(result).rejects.toMatchObject({ code: 'cancelled' });
    expect(Date.now() - began).toBeLessThan(500);
    const task = tasks.get(id);
    expect(task.state).toBe('cancelled');
    expect(task.outcome).toMatch(/Nothing was changed/);
    const lines = (await tasks.log(id)).map((line) => line.message);
    expect(lines).toContain('Cancelled.');
    expect(lines.join('\n')).not.toContain('Cancelled: Cancelled.');
  });

  it('logs what a tool said below the failure, and keeps it out of the error the faces show', async () => {
    const tasks = await manager();
    const { id, result } = await tasks.start('self-test', 'Tool', async () => {
      throw new CompanionError('image-truncated', 'The image ends too early.', 'Get it again.', {
        details: 'zstd said: /*stdin*\\ : Read error (39) : premature end',
      });
    });
    await expect(result).rejects.toThrow('The image ends too early.');
    expect(tasks.get(id).error).toEqual({
      code: 'image-truncated',
      message: 'The image ends too early.',
      hint: 'Get it again.',
    });
    expect((await tasks.log(id)).map((line) => line.message)).toEqual(
      expect.arrayContaining([
        'Failed: The image ends too early.',
        expect.stringContaining('Read error (39)'),
      ]),
    );
  });

  it('records a failure with its message and hint', async () => {
    const tasks = await manager();
    const { id, result } = await tasks.start(
      'self-test',
      'Fails',
      selfTestTask({ steps: 5, stepMs: 1, failAt: 2 }),
    );
    await expect(result).rejects.toBeInstanceOf(CompanionError);
    expect(tasks.get(id)).toMatchObject({ state: 'failed', error: { code: 'self-test-failure' } });
    expect(tasks.get(id).error?.hint).toMatch(/without "fail at"/);
  });

  it('masks registered secrets in log lines and error messages', async () => {
    const tasks = await manager();
    const { id, result } = await tasks.start('self-test', 'Secret', async (ctx) => {
      ctx.redact('correct horse battery');
      ctx.log('passphrase is correct horse battery');
      throw new Error('borg said correct horse battery is wrong');
    });
    await expect(result).rejects.toThrow();
    const text = JSON.stringify(await tasks.log(id)) + JSON.stringify(tasks.get(id));
    expect(text).not.toContain('correct horse battery');
    expect(text).toContain('[redacted]');
  });

  it('masks registered secrets in the error hint too', async () => {
    const tasks = await manager();
    const { id, result } = await tasks.start('self-test', 'Secret hint', async (ctx) => {
      ctx.redact('correct horse battery');
      throw new CompanionError('x', 'Wrong password.', 'Is "correct horse battery" really your password?');
    });
    await expect(result).rejects.toThrow();
    const ended = seen.flatMap((e) => (e.type === 'task.updated' && e.task.id === id ? [e.task] : [])).at(-1);
    for (const task of [tasks.get(id), ended]) {
      expect(task?.error?.hint).toBe('Is "[redacted]" really your password?');
    }
  });

  it('throttles progress events but never drops the phase change', async () => {
    const tasks = await manager();
    const { result } = await tasks.start('self-test', 'Burst', async (ctx) => {
      for (let i = 0; i < 10_000; i++)
        ctx.progress({ phase: 'writing', done: i, total: 10_000, unit: 'bytes' });
      ctx.progress({ phase: 'verifying', done: 0, total: 10_000, unit: 'bytes' });
      return { steps: 10_000 };
    });
    await result;
    const phases = seen.flatMap((e) =>
      e.type === 'task.updated' && e.task.progress ? [e.task.progress.phase] : [],
    );
    expect(phases.length).toBeLessThan(20);
    expect(phases).toContain('writing');
    expect(phases).toContain('verifying');
  });

  it('keeps history across restarts and marks a run cut off by a crash as interrupted', async () => {
    const first = await manager();
    const done = await first.start('self-test', 'Before restart', selfTestTask({ steps: 1, stepMs: 1 }));
    await done.result;
    const cut = await first.start('self-test', 'Never finished', selfTestTask({ steps: 1000, stepMs: 50 }));
    await sleep(30); // the start is saved before the "crash"
    const second = await manager();
    const byTitle = Object.fromEntries(second.list().map((t) => [t.title, t]));
    expect(byTitle['Before restart']?.state).toBe('succeeded');
    expect(byTitle['Never finished']).toMatchObject({ state: 'failed', error: { code: 'interrupted' } });
    expect((await second.log(done.id)).length).toBeGreaterThan(1);
    first.cancel(cut.id);
    await cut.result.catch(() => undefined);
  });

  it('keeps only the last N runs and deletes the logs of the dropped ones', async () => {
    const tasks = await manager(5);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const run = await tasks.start('self-test', `Run ${i}`, selfTestTask({ steps: 1, stepMs: 1 }));
      ids.push(run.id);
      await run.result;
    }
    expect(tasks.list().map((t) => t.title)).toEqual(['Run 2', 'Run 3', 'Run 4', 'Run 5', 'Run 6']);
    await expect(readFile(join(dir, 'tasks', `${ids[0]}.log`))).rejects.toThrow();
  });

  it('cancelAll cancels running tasks and waits for their clean-up (quitting the app)', async () => {
    const tasks = await manager();
    let cleanedUp = false;
    const { id } = await tasks.start('self-test', 'Holds a temp file', async (ctx) => {
      try {
        await sleep(60_000, undefined, { signal: ctx.signal });
      } finally {
        await sleep(20);
        cleanedUp = true;
      }
      return { steps: 0 };
    });
    await tasks.cancelAll();
    expect(cleanedUp).toBe(true);
    expect(tasks.get(id).state).toBe('cancelled');
  });

  it('says clearly when a task id is unknown', async () => {
    const tasks = await manager();
    expect(() => tasks.cancel('t-nope')).toThrow(/No task with id t-nope/);
  });
});

describe('TaskManager when the task history cannot be written', () => {
  it('still runs and ends tasks, and says in the task that its history was not saved', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      // A folder where the index file should be: every write of it fails, as on a full data folder.
      await mkdir(join(dir, 'tasks', 'history.json'), { recursive: true });
      const tasks = await manager();
      const { id, result } = await tasks.start('self-test', 'Count', selfTestTask({ steps: 2, stepMs: 1 }));
      expect(await result).toEqual({ steps: 2 });
      await sleep(50); // a rejection nobody handles is reported on a later tick
      expect(unhandled).toEqual([]);
      const task = tasks.get(id);
      expect(task.state).toBe('succeeded');
      expect(task.outcome).toMatch(/Could not save the task history to .*history\.json.*Free some space/);
      const ended = seen.flatMap((e) => (e.type === 'task.updated' && e.task.id === id ? [e.task] : []));
      expect(ended.at(-1)?.state).toBe('succeeded');
      const warnings = (await tasks.log(id)).filter((line) => line.level === 'warn');
      expect(warnings.map((line) => line.message)).toEqual([
        expect.stringMatching(/^Could not save the task history/),
        expect.stringMatching(/^Could not save the task history/),
      ]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
