import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { taskResultOf, type CompanionEvent } from '../contract/index.js';
import { CompanionError } from '../errors.js';
import { EventHub } from '../event-hub.js';
import { TaskHistory } from './task-history.js';
import { TaskManager } from './task-manager.js';

let dir: string;
let events: EventHub;
let seen: CompanionEvent[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'task-results-'));
  events = new EventHub();
  seen = [];
  events.subscribe((event) => seen.push(event));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** A manager over the shared folder: two of them stand for two processes (the app and a `companion` command). */
async function manager(): Promise<TaskManager> {
  const tasks = new TaskManager(new TaskHistory(dir, 50), events, { locksDir: join(dir, 'locks') });
  await tasks.init();
  return tasks;
}

/** A self-test that reports `steps` as it goes and waits for `release` before it ends. */
function gatedCount(release: Promise<unknown>) {
  return async (ctx: { setResult(value: { steps: number }): void }) => {
    ctx.setResult({ steps: 1 });
    ctx.setResult({ steps: 2 });
    await release;
    return { steps: 3 };
  };
}

describe('task results', () => {
  it('answers the live result while the task runs, the final one after, and sends each as a detail event', async () => {
    const tasks = await manager();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { id, result } = await tasks.start('self-test', 'Gated', gatedCount(gate));
    expect(taskResultOf('self-test', await tasks.result(id))).toEqual({ steps: 2 });
    release();
    expect(await result).toEqual({ steps: 3 });
    expect(taskResultOf('self-test', await tasks.result(id))).toEqual({ steps: 3 });
    const details = seen.flatMap((e) => (e.type === 'task.detail' && e.id === id ? [e.result] : []));
    expect(details).toEqual([{ steps: 1 }, { steps: 2 }, { steps: 3 }]);
    // The final detail comes before the snapshot that says the task ended, so a listener finds it ready.
    const order = seen.flatMap((e) =>
      e.type === 'task.detail' ? ['detail'] : e.type === 'task.updated' ? [e.task.state] : [],
    );
    expect(order.slice(-2)).toEqual(['detail', 'succeeded']);
  });

  it('keeps a result with the history: a restarted process still answers it, as stored', async () => {
    const first = await manager();
    const run = await first.start('self-test', 'Kept', async () => ({ steps: 7 }), {
      storedResult: ({ steps }) => ({ steps: -steps }),
    });
    await run.result;
    // This process answers the whole result; what rests on disk is the stored form.
    expect(taskResultOf('self-test', await first.result(run.id))).toEqual({ steps: 7 });
    const second = await manager();
    expect(await second.result(run.id)).toEqual({ id: run.id, kind: 'self-test', result: { steps: -7 } });
    expect(taskResultOf('provision', await second.result(run.id))).toBeNull();
  });

  it('gives the whole result only to the caller of start; events, tasks.result and the history get the shared one', async () => {
    const tasks = await manager();
    const run = await tasks.start(
      'self-test',
      'Shared',
      async (ctx) => (ctx.setResult({ steps: 2 }), { steps: 9 }),
      {
        sharedResult: ({ steps }) => ({ steps: steps * 100 }),
      },
    );
    expect(await run.result).toEqual({ steps: 9 });
    const details = seen.flatMap((e) => (e.type === 'task.detail' && e.id === run.id ? [e.result] : []));
    expect(details).toEqual([{ steps: 200 }, { steps: 900 }]);
    expect(taskResultOf('self-test', await tasks.result(run.id))).toEqual({ steps: 900 });
    expect(taskResultOf('self-test', await (await manager()).result(run.id))).toEqual({ steps: 900 });
  });

  it('keeps the result a failed task made before it failed', async () => {
    const tasks = await manager();
    const run = await tasks.start('self-test', 'Half', async (ctx) => {
      ctx.setResult({ steps: 4 });
      throw new CompanionError('self-test-failure', 'Failed after step 4.', 'Run it again.');
    });
    await expect(run.result).rejects.toThrow(/after step 4/);
    expect(taskResultOf('self-test', await (await manager()).result(run.id))).toEqual({ steps: 4 });
  });

  it('fails a task whose result does not fit its kind, and masks secrets in results', async () => {
    const tasks = await manager();
    const bad = await tasks.start('self-test', 'Bad', async () => ({ steps: 'many' }) as never);
    await expect(bad.result).rejects.toThrow(/does not fit its schema/);
    expect(tasks.get(bad.id).error?.code).toBe('internal');

    const secret = await tasks.start('first-boot', 'Secret', async (ctx) => {
      ctx.redact('hunter2-hunter2');
      ctx.setResult(report('hunter2-hunter2'));
      throw new Error('stop');
    });
    await secret.result.catch(() => undefined);
    const text = JSON.stringify(await (await manager()).result(secret.id));
    expect(text).toContain('[redacted]');
    expect(text).not.toContain('hunter2-hunter2');
  });

  it('removes results with their logs when the history is cleared', async () => {
    const tasks = await manager();
    await (
      await tasks.start('self-test', 'One', async () => ({ steps: 1 }))
    ).result;
    expect((await readdir(join(dir, 'tasks'))).some((f) => f.endsWith('.result.json'))).toBe(true);
    await tasks.clearHistory();
    expect((await readdir(join(dir, 'tasks'))).filter((f) => f !== 'history.json')).toEqual([]);
  });
});

describe('exclusive keys', () => {
  it('refuses a second task holding the same key in this process, and allows it once the first ended', async () => {
    const tasks = await manager();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = await tasks.start('self-test', 'Holder', gatedCount(gate), { exclusiveKeys: ['host:pi'] });
    expect(tasks.holderOf('host:pi')?.id).toBe(first.id);
    await expect(
      tasks.start('self-test', 'Second', async () => ({ steps: 0 }), {
        exclusiveKeys: ['host:pi'],
        whenBusy: (key, holder) => new CompanionError('busy', `${key} held by ${holder?.title}`, ''),
      }),
    ).rejects.toThrow('host:pi held by Holder');
    // Another key is free meanwhile.
    await (
      await tasks.start('self-test', 'Other', async () => ({ steps: 0 }), { exclusiveKeys: ['host:nas'] })
    ).result;
    release();
    await first.result;
    expect(tasks.holderOf('host:pi')).toBeNull();
    await (
      await tasks.start('self-test', 'Third', async () => ({ steps: 0 }), { exclusiveKeys: ['host:pi'] })
    ).result;
  });

  it('has let go of its keys by the time anyone hears it ended', async () => {
    const tasks = await manager();
    const restarted: Promise<unknown>[] = [];
    events.subscribe((event) => {
      if (event.type === 'task.updated' && event.task.title === 'First' && event.task.state === 'succeeded')
        restarted.push(
          tasks.start('self-test', 'Next', async () => ({ steps: 2 }), { exclusiveKeys: ['host:pi'] }),
        );
    });
    await (
      await tasks.start('self-test', 'First', async () => ({ steps: 1 }), { exclusiveKeys: ['host:pi'] })
    ).result;
    expect(restarted).toHaveLength(1);
    await (
      await (restarted[0] as ReturnType<typeof tasks.start>)
    ).result;
  });

  it('refuses across processes sharing the data folder, with a message that says so', async () => {
    const app = await manager();
    const cli = await manager();
    const ran: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = await app.start('self-test', 'App', gatedCount(gate), {
      exclusiveKeys: ['drive:/dev/sdb'],
    });
    const refused = cli.start('self-test', 'CLI', async () => (ran.push('cli'), { steps: 0 }), {
      exclusiveKeys: ['drive:/dev/sdb'],
    });
    await expect(refused).rejects.toMatchObject({
      code: 'task-busy',
      message: expect.stringMatching(/Another window of the app or a companion command.*drive:\/dev\/sdb/),
    });
    expect(ran).toEqual([]);
    release();
    await first.result;
    await (
      await cli.start('self-test', 'CLI again', async () => ({ steps: 0 }), {
        exclusiveKeys: ['drive:/dev/sdb'],
      })
    ).result;
  });

  it('lets exactly one of many simultaneous starts hold a key, round after round', async () => {
    const managers = await Promise.all([manager(), manager(), manager()]);
    for (let round = 0; round < 5; round++) {
      const starts = managers.flatMap((tasks) =>
        [0, 1].map(() =>
          tasks.start('self-test', `Round ${round}`, () => sleep(30).then(() => ({ steps: round })), {
            exclusiveKeys: ['repo:ssh://u@h/./backups'],
          }),
        ),
      );
      const settled = await Promise.allSettled(starts);
      expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
      await Promise.all(settled.map((s) => (s.status === 'fulfilled' ? s.value.result : null)));
    }
  });
});

/** A first-boot report whose waiting line holds `text`. */
function report(text: string) {
  return {
    host: 'pi',
    stage: 'finding' as const,
    waiting: `password ${text}`,
    found: null,
    attempts: [],
    trust: {
      status: 'not-reached' as const,
      presentedKeyLine: null,
      presentedFingerprint: null,
      pinnedFingerprint: null,
      explanation: null,
    },
    login: { ok: false, user: 'root', method: null, error: null },
    checks: [],
    passed: false,
    elapsedSeconds: 0,
    nextSteps: { ageRecipient: null, sopsUpdateKeys: null, deploy: null },
  };
}
