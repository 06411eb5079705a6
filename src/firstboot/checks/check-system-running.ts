import { setTimeout as delay } from 'node:timers/promises';
import { combineOutput } from './cap-text.js';
import {
  BUILTIN_TIMEOUT_MS,
  fail,
  firstLine,
  pass,
  type CheckContext,
  type CheckOutcome,
} from './check-outcome.js';

export interface SystemWaitOptions extends CheckContext {
  /** How long to keep polling while systemd is still starting. */
  waitMs: number;
  pollIntervalMs: number;
  onWaiting?: (text: string) => void;
}

// States after which the boot may still reach `running` (or `degraded`); see systemctl(1), is-system-running.
const STILL_BOOTING = new Set(['initializing', 'starting']);

/** How many systemd jobs are queued and one worth naming (a running one first), from `systemctl list-jobs`. */
export function summarizeJobs(stdout: string): { count: number; example: string | null } {
  const jobs = stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 4 && /^\d+$/.test(f[0] ?? ''));
  const running = jobs.find((f) => f[3] === 'running') ?? jobs[0];
  return { count: jobs.length, example: running?.[1] ?? null };
}

/** "systemd is still starting (3 jobs left, e.g. network-online.target)" */
export function describeStartup(
  state: string,
  jobs: { count: number; example: string | null } | null,
): string {
  const head = `systemd is still ${state || 'not answering'}`;
  if (!jobs || jobs.count === 0) return head;
  const left = `${jobs.count} job${jobs.count === 1 ? '' : 's'} left`;
  return `${head} (${left}${jobs.example ? `, e.g. ${jobs.example}` : ''})`;
}

async function listJobs(ctx: CheckContext): Promise<string | null> {
  try {
    const result = await ctx.shell.exec('systemctl list-jobs --no-legend', {
      signal: ctx.signal,
      timeoutMs: BUILTIN_TIMEOUT_MS,
    });
    return result.exitCode === 0 ? result.stdout : null;
  } catch (error) {
    if (ctx.signal?.aborted) throw error;
    return null; // progress is a nicety; the state poll itself decides the check
  }
}

async function describeDegraded(ctx: CheckContext): Promise<CheckOutcome> {
  const failed = await ctx.shell.exec('systemctl --failed --no-legend --plain', {
    signal: ctx.signal,
    timeoutMs: BUILTIN_TIMEOUT_MS,
  });
  const units = failed.stdout
    .split('\n')
    .map(
      (l) =>
        l
          .replace(/^[●*×]\s*/, '')
          .trim()
          .split(/\s+/)[0],
    )
    .filter((u): u is string => Boolean(u));
  const which = units.length > 0 ? `: ${units.slice(0, 3).join(', ')}${units.length > 3 ? ', …' : ''}` : '';
  const count = `${units.length} unit${units.length === 1 ? '' : 's'} failed`;
  return fail(`degraded, ${count}${which}`, combineOutput(failed.stdout, failed.stderr));
}

function describeOtherState(state: string, exitCode: number | null, stderr: string): string {
  if (exitCode === 127) return 'systemctl not found (exit 127): the Pi does not look like a systemd system';
  if (state) return `systemd reports "${state}"`;
  const why = firstLine(stderr);
  return `systemctl is-system-running gave no state (exit ${exitCode ?? 'none'})${why ? `: ${why}` : ''}`;
}

/**
 * Waits for `systemctl is-system-running` to say `running`. Its exit code is non-zero for every other state, so the
 * state is read from stdout. `starting`/`initializing` (and a systemctl that does not answer in time) are polled
 * until `waitMs`; `degraded` fails with the list of failed units.
 */
export async function checkSystemRunning(ctx: SystemWaitOptions): Promise<CheckOutcome> {
  const started = Date.now();
  let lastJobs = '';
  for (;;) {
    const result = await ctx.shell.exec('systemctl is-system-running', {
      signal: ctx.signal,
      timeoutMs: BUILTIN_TIMEOUT_MS,
    });
    const state = firstLine(result.stdout);
    if (state === 'running') return pass('running');
    if (state === 'degraded') return describeDegraded(ctx);
    if (!STILL_BOOTING.has(state) && !result.timedOut) {
      return fail(
        describeOtherState(state, result.exitCode, result.stderr),
        combineOutput(result.stdout, result.stderr),
      );
    }
    const waited = Date.now() - started;
    if (waited >= ctx.waitMs) {
      return fail(`still ${state || 'not answering'} after ${Math.round(waited / 1000)} s`, lastJobs);
    }
    const jobs = await listJobs(ctx);
    lastJobs = jobs ?? lastJobs;
    ctx.onWaiting?.(describeStartup(state, jobs === null ? null : summarizeJobs(jobs)));
    await sleep(Math.min(ctx.pollIntervalMs, ctx.waitMs - waited), ctx.signal);
  }
}

async function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await delay(ms, undefined, { signal });
  } catch (error) {
    throw signal?.aborted ? signal.reason : error;
  }
}
