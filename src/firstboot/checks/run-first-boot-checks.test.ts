import { describe, expect, it } from 'vitest';
import { HostCheck, type CheckResult } from '../../contract/firstboot.js';
import { CancelledError } from '../../errors.js';
import { runFirstBootChecks } from './run-first-boot-checks.js';
import { ScriptedShell } from '../../../test/helpers/scripted-shell.js';

const STATE = 'systemctl is-system-running';
const ACTIVE = 'nmcli -t -f NAME,TYPE,DEVICE,STATE connection show --active';
const KEY = '/var/lib/bootstrap/ssh_host_ed25519_key';
const STAT = `'stat' '-c' '%a %U %G %s %n' '--' '${KEY}' '${KEY}.pub'`;

/** A Pi where every built-in check passes. */
function healthyPi(): ScriptedShell {
  return new ScriptedShell()
    .on(STATE, { stdout: 'running\n' })
    .on(ACTIVE, { stdout: 'Home:802-11-wireless:wlan0:activated\n' })
    .on(STAT, { stdout: `600 root root 411 ${KEY}\n644 root root 96 ${KEY}.pub\n` });
}

const profile = [
  HostCheck.parse({ kind: 'command', name: 'UPS', command: 'upsc -l', expectOutput: 'ups@' }),
  HostCheck.parse({ kind: 'http', name: 'metrics', url: 'http://127.0.0.1:9100/metrics' }),
];

const brief = (r: CheckResult) => [r.id, r.status, r.summary];

describe('runFirstBootChecks', () => {
  it('runs the built-in checks, then the profile’s, in order, reporting each as it goes', async () => {
    const shell = healthyPi()
      .on('upsc -l', { stdout: 'ups@localhost\n' })
      .onGet('http://127.0.0.1:9100/metrics', { status: 200 });
    const live: CheckResult[] = [];
    const results = await runFirstBootChecks({ shell, checks: profile, onResult: (r) => live.push(r) });
    expect(results.map(brief)).toEqual([
      ['builtin:system-running', 'pass', 'running'],
      ['builtin:network', 'pass', 'connected via Wi-Fi "Home" on wlan0'],
      ['builtin:bootstrap-files', 'pass', expect.stringContaining('mode 600')],
      ['profile:0', 'pass', 'exit 0'],
      ['profile:1', 'pass', 'HTTP 200'],
    ]);
    expect(results.map((r) => r.name)).toEqual([
      'System has finished booting',
      'Network is up (NetworkManager)',
      'Bootstrap key is in place',
      'UPS',
      'metrics',
    ]);
    expect(live).toEqual(results);
    for (const r of results) expect(r.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('still runs every check when the system never finished starting', async () => {
    const shell = healthyPi().on(STATE, { stdout: 'starting\n', exitCode: 1 });
    const waiting: string[] = [];
    const results = await runFirstBootChecks({
      shell,
      checks: [],
      systemWaitMs: 20,
      pollIntervalMs: 5,
      onWaiting: (t) => waiting.push(t),
    });
    expect(results.map((r) => r.status)).toEqual(['fail', 'pass', 'pass']);
    expect(results[0]?.summary).toMatch(/^still starting after \d+ s$/);
    expect(waiting[0]).toBe('systemd is still starting');
  });

  it('uses the given bootstrap folder', async () => {
    const key = '/etc/bootstrap/ssh_host_ed25519_key';
    const shell = healthyPi().on(`'stat' '-c' '%a %U %G %s %n' '--' '${key}' '${key}.pub'`, {
      exitCode: 1,
      stdout: `600 root root 411 ${key}\n`,
      stderr: `stat: cannot statx '${key}.pub': No such file or directory\n`,
    });
    const results = await runFirstBootChecks({ shell, checks: [], bootstrapDir: '/etc/bootstrap' });
    expect(results[2]).toMatchObject({
      status: 'fail',
      summary: 'ssh_host_ed25519_key.pub is missing from /etc/bootstrap',
    });
  });

  it('turns a check that throws into a failed result and goes on', async () => {
    const shell = healthyPi()
      .on(ACTIVE, new Error('SSH channel closed'))
      .on('upsc -l', new TypeError(''))
      .onGet('http://127.0.0.1:9100/metrics', { status: 200 });
    const results = await runFirstBootChecks({ shell, checks: profile });
    expect(results.map(brief)).toEqual([
      ['builtin:system-running', 'pass', 'running'],
      ['builtin:network', 'fail', 'SSH channel closed'],
      ['builtin:bootstrap-files', 'pass', expect.any(String)],
      ['profile:0', 'fail', 'TypeError'],
      ['profile:1', 'pass', 'HTTP 200'],
    ]);
  });

  it('rejects with the abort reason mid-check, without reporting the cancelled check', async () => {
    const controller = new AbortController();
    const reason = new CancelledError();
    const shell = healthyPi().on('upsc -l', 'hang');
    const live: string[] = [];
    const run = runFirstBootChecks({
      shell,
      checks: profile,
      signal: controller.signal,
      onResult: (r) => {
        live.push(r.id);
        if (r.id === 'builtin:bootstrap-files') setTimeout(() => controller.abort(reason), 5);
      },
    });
    await expect(run).rejects.toBe(reason);
    expect(live).toEqual(['builtin:system-running', 'builtin:network', 'builtin:bootstrap-files']);
    expect(shell.urls).toEqual([]);
  });

  it('rejects while waiting for systemd, and before starting when already aborted', async () => {
    const controller = new AbortController();
    const shell = healthyPi().on(STATE, { stdout: 'starting\n', exitCode: 1 });
    const run = runFirstBootChecks({
      shell,
      checks: [],
      signal: controller.signal,
      onWaiting: () => controller.abort(),
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(shell.calls.filter((c) => c.command === ACTIVE)).toHaveLength(0);

    const early = runFirstBootChecks({
      shell: healthyPi(),
      checks: [],
      signal: AbortSignal.abort(new CancelledError()),
    });
    await expect(early).rejects.toBeInstanceOf(CancelledError);
  });

  it('does not turn a cancel into a result when the shell ignores the signal', async () => {
    const controller = new AbortController();
    const shell = healthyPi().on(STATE, { stdout: 'running\n' });
    const run = runFirstBootChecks({
      shell,
      checks: [],
      signal: controller.signal,
      onWaiting: () => undefined,
      onResult: () => controller.abort(new CancelledError('stop')),
    });
    await expect(run).rejects.toThrow('stop');
  });
});
