import { describe, expect, it } from 'vitest';
import { checkSystemRunning, describeStartup, summarizeJobs } from './check-system-running.js';
import { ScriptedShell } from '../../../test/helpers/scripted-shell.js';

const STATE = 'systemctl is-system-running';
const JOBS = 'systemctl list-jobs --no-legend';
const FAILED = 'systemctl --failed --no-legend --plain';
const jobsOutput = '97 network-online.target start waiting\n112 nixos-upgrade.service start running\n';

function run(shell: ScriptedShell, waitMs = 1_000) {
  const waiting: string[] = [];
  const outcome = checkSystemRunning({ shell, waitMs, pollIntervalMs: 5, onWaiting: (t) => waiting.push(t) });
  return { outcome, waiting };
}

describe('checkSystemRunning', () => {
  it('passes on running, reading stdout rather than the exit code', async () => {
    const shell = new ScriptedShell().on(STATE, { stdout: 'running\n' });
    expect(await run(shell).outcome).toEqual({ status: 'pass', summary: 'running', output: '' });
  });

  it('polls while starting and passes once running, reporting progress', async () => {
    const shell = new ScriptedShell()
      .on(
        STATE,
        { stdout: 'starting\n', exitCode: 1 },
        { stdout: 'initializing\n', exitCode: 1 },
        { stdout: 'running\n' },
      )
      .on(JOBS, { stdout: jobsOutput }, { stdout: '' });
    const { outcome, waiting } = run(shell);
    expect((await outcome).status).toBe('pass');
    expect(waiting).toEqual([
      'systemd is still starting (2 jobs left, e.g. nixos-upgrade.service)',
      'systemd is still initializing',
    ]);
    expect(shell.calls.filter((c) => c.command === STATE)).toHaveLength(3);
  });

  it('gives up after waitMs with the last job list as output', async () => {
    const shell = new ScriptedShell()
      .on(STATE, { stdout: 'starting\n', exitCode: 1 })
      .on(JOBS, { stdout: jobsOutput });
    const outcome = await run(shell, 30).outcome;
    expect(outcome).toEqual({ status: 'fail', summary: 'still starting after 0 s', output: jobsOutput });
  });

  it('keeps polling when systemctl itself times out', async () => {
    const shell = new ScriptedShell().on(STATE, { exitCode: null, timedOut: true }, { stdout: 'running\n' });
    const { outcome, waiting } = run(shell);
    expect((await outcome).status).toBe('pass');
    expect(waiting).toEqual(['systemd is still not answering']);
  });

  it('fails degraded with the failed units', async () => {
    const failed = 'foo.service loaded failed failed Foo\nbar.mount loaded failed failed Bar\n';
    const shell = new ScriptedShell()
      .on(STATE, { stdout: 'degraded\n', exitCode: 1 })
      .on(FAILED, { stdout: failed });
    expect(await run(shell).outcome).toEqual({
      status: 'fail',
      summary: 'degraded, 2 units failed: foo.service, bar.mount',
      output: failed,
    });
  });

  it.each([
    [{ stdout: 'maintenance\n', exitCode: 1 }, 'systemd reports "maintenance"'],
    [{ stdout: 'offline\n', exitCode: 1 }, 'systemd reports "offline"'],
    [
      { exitCode: 127, stderr: 'sh: systemctl: not found' },
      'systemctl not found (exit 127): the Pi does not look like a systemd system',
    ],
    [
      { exitCode: 1, stderr: 'Failed to connect to bus' },
      'systemctl is-system-running gave no state (exit 1): Failed to connect to bus',
    ],
  ])('fails on other answers: %j', async (reply, summary) => {
    const shell = new ScriptedShell().on(STATE, reply);
    const outcome = await run(shell).outcome;
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(summary);
  });
});

describe('summarizeJobs and describeStartup', () => {
  it('counts jobs and names a running one', () => {
    expect(summarizeJobs(jobsOutput)).toEqual({ count: 2, example: 'nixos-upgrade.service' });
    expect(summarizeJobs('No jobs running.\n')).toEqual({ count: 0, example: null });
    expect(describeStartup('starting', { count: 1, example: 'a.service' })).toBe(
      'systemd is still starting (1 job left, e.g. a.service)',
    );
  });
});
