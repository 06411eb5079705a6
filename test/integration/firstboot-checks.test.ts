import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostCheck, HttpCheck, type CheckResult } from '../../src/contract/firstboot.js';
import { runHttpCheck } from '../../src/firstboot/checks/check-profile.js';
import { fetchFromHere } from '../../src/firstboot/checks/fetch-here.js';
import { runFirstBootChecks } from '../../src/firstboot/checks/run-first-boot-checks.js';
import {
  OUTPUT_CAP_BYTES,
  type CommandResult,
  type HttpResult,
  type RemoteShell,
  type RunOptions,
} from '../../src/firstboot/remote-shell.js';

/** The Pi played by this machine: `sh -c` with stub `systemctl`/`nmcli` first in PATH, HTTP over node:http. */
class LocalShell implements RemoteShell {
  constructor(private readonly binDir: string) {}

  exec(command: string, options: RunOptions): Promise<CommandResult> {
    return new Promise((resolve, reject) => {
      const env = { ...process.env, PATH: `${this.binDir}:${process.env.PATH ?? '/usr/bin:/bin'}` };
      // Its own process group, so a timeout kills the command's children too (they hold stdout open).
      const child = spawn('sh', ['-c', command], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      const kill = () => child.pid && process.kill(-child.pid, 'SIGKILL');
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => ((timedOut = true), kill()), options.timeoutMs);
      const onAbort = () => kill();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      child.on('error', reject);
      child.on('close', (exitCode, signal) => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        if (options.signal?.aborted) return reject(options.signal.reason);
        resolve({ exitCode, signal, stdout, stderr, timedOut });
      });
    });
  }

  httpGet(url: string, options: RunOptions): Promise<HttpResult> {
    return new Promise((resolve, reject) => {
      const request = http.get(url, { signal: options.signal, timeout: options.timeoutMs }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      });
      request.on('timeout', () =>
        request.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })),
      );
      request.on('error', reject);
    });
  }
}

let work: string;
let bootstrapDir: string;
let shell: LocalShell;
let server: http.Server;
let base: string;
let closedPort: number;

async function listen(target: http.Server): Promise<number> {
  await new Promise<void>((ready) => target.listen(0, '127.0.0.1', ready));
  return (target.address() as AddressInfo).port;
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'firstboot-checks-'));
  const bin = path.join(work, 'bin');
  bootstrapDir = path.join(work, 'var lib', "boot'strap"); // a space and a quote, to exercise the quoting
  await mkdir(bin, { recursive: true });
  await mkdir(bootstrapDir, { recursive: true });
  const counter = path.join(work, 'is-system-running.count');
  // Answers `starting` twice, then `running`, like a Pi whose last units are still coming up.
  const systemctl = `#!/bin/sh
case "$1" in
  is-system-running)
    n=$(cat '${counter}' 2>/dev/null || echo 0)
    echo $((n + 1)) > '${counter}'
    if [ "$n" -lt 2 ]; then echo starting; exit 1; fi
    echo running ;;
  list-jobs) echo '42 multi-user.target start waiting' ;;
  *) echo "unexpected: $*" >&2; exit 1 ;;
esac
`;
  const nmcli = `#!/bin/sh
if [ "$*" = '-t -f NAME,TYPE,DEVICE,STATE connection show --active' ]; then
  printf '%s\\n' 'lo:loopback:lo:activated' 'Home\\: 5G:802-11-wireless:wlan0:activated'
else
  echo "unexpected: $*" >&2; exit 2
fi
`;
  await writeFile(path.join(bin, 'systemctl'), systemctl, { mode: 0o755 });
  await writeFile(path.join(bin, 'nmcli'), nmcli, { mode: 0o755 });
  await writeFile(path.join(bootstrapDir, 'ssh_host_ed25519_key'), 'not a real key, but not empty\n');
  await writeFile(path.join(bootstrapDir, 'ssh_host_ed25519_key.pub'), 'ssh-ed25519 AAAA test\n');
  await chmod(path.join(bootstrapDir, 'ssh_host_ed25519_key'), 0o600);
  await chmod(path.join(bootstrapDir, 'ssh_host_ed25519_key.pub'), 0o644);
  shell = new LocalShell(bin);

  server = http.createServer((request, response) => {
    if (request.url === '/metrics') response.writeHead(200).end('# HELP\nnode_boot_time_seconds 1.7e9\n');
    else if (request.url === '/down') response.writeHead(503).end('service unavailable\n');
    else response.writeHead(404).end();
  });
  base = `http://127.0.0.1:${await listen(server)}`;
  const closed = http.createServer();
  closedPort = await listen(closed);
  await new Promise((done) => closed.close(done));
});

afterAll(async () => {
  await new Promise((done) => server.close(done));
  await rm(work, { recursive: true, force: true });
});

const summaries = (results: CheckResult[]) => results.map((r) => [r.id, r.status, r.summary]);
// The key must be owned by root; as another user the check rightly fails, and says so.
const me = userInfo().username;
const keyOk = me === 'root' ? 'pass' : 'fail';

describe('runFirstBootChecks against local stand-ins', () => {
  it('waits for systemd, then runs the built-in and profile checks for real', async () => {
    const checks = [
      { kind: 'command', name: 'UPS', command: 'echo ups@localhost', expectOutput: 'ups@' },
      { kind: 'command', name: 'fails', command: 'echo oops >&2; exit 3' },
      { kind: 'command', name: 'slow', command: 'sleep 5', timeoutSeconds: 1 },
      { kind: 'http', name: 'metrics (pi)', url: `${base}/metrics`, expectBody: 'node_boot_time' },
      { kind: 'http', name: 'down (pi)', url: `${base}/down` },
      {
        kind: 'http',
        name: 'metrics (here)',
        url: `${base}/metrics`,
        from: 'here',
        expectBody: 'node_boot_time',
      },
      { kind: 'http', name: 'down (here)', url: `${base}/down`, from: 'here' },
      { kind: 'http', name: 'closed (here)', url: `http://127.0.0.1:${closedPort}/`, from: 'here' },
    ].map((c) => HostCheck.parse(c));
    const waiting: string[] = [];
    const results = await runFirstBootChecks({
      shell,
      checks,
      bootstrapDir,
      pollIntervalMs: 200,
      onWaiting: (text) => waiting.push(text),
    });

    expect(waiting).toEqual([
      'systemd is still starting (1 job left, e.g. multi-user.target)',
      'systemd is still starting (1 job left, e.g. multi-user.target)',
    ]);
    expect(summaries(results)).toEqual([
      ['builtin:system-running', 'pass', 'running'],
      ['builtin:network', 'pass', 'connected via Wi-Fi "Home: 5G" on wlan0'],
      ['builtin:bootstrap-files', keyOk, expect.any(String)],
      ['profile:0', 'pass', 'exit 0'],
      ['profile:1', 'fail', 'exit 3 (expected 0)'],
      ['profile:2', 'fail', 'timed out after 1 s'],
      ['profile:3', 'pass', 'HTTP 200'],
      ['profile:4', 'fail', 'HTTP 503 (expected 200)'],
      ['profile:5', 'pass', 'HTTP 200'],
      ['profile:6', 'fail', 'HTTP 503 (expected 200)'],
      ['profile:7', 'fail', 'connection refused'],
    ]);
    if (keyOk === 'pass')
      expect(results[2]?.summary).toMatch(/^ssh_host_ed25519_key: mode 600, owner root, 30 bytes/);
    else expect(results[2]?.summary).toBe(`ssh_host_ed25519_key is owned by ${me} instead of root`);
    expect(results[4]?.output).toBe('oops\n');
    expect(results[5]?.durationMs).toBeGreaterThanOrEqual(900);
    expect(results[5]?.durationMs).toBeLessThan(4000);
    expect(results[6]?.output).toContain('node_boot_time_seconds');
    expect(results[10]?.output).toMatch(/ECONNREFUSED/);
  });

  it('reads real modes: a key left at 644, then a missing .pub', async () => {
    const key = path.join(bootstrapDir, 'ssh_host_ed25519_key');
    await chmod(key, 0o644);
    const first = await runFirstBootChecks({ shell, checks: [], bootstrapDir, pollIntervalMs: 200 });
    expect(first[2]?.status).toBe('fail');
    expect(first[2]?.summary).toMatch(/^ssh_host_ed25519_key has mode 644 instead of 600/);

    await chmod(key, 0o600);
    await rm(`${key}.pub`);
    const second = await runFirstBootChecks({ shell, checks: [], bootstrapDir, pollIntervalMs: 200 });
    expect(second[2]?.status).toBe('fail');
    expect(second[2]?.summary).toMatch(/ssh_host_ed25519_key\.pub is missing from .*boot'strap$/);
  });
});

describe('fetchFromHere', () => {
  let slow: http.Server;
  let slowBase: string;
  beforeAll(async () => {
    slow = http.createServer((request, response) => {
      if (request.url === '/big') response.writeHead(200).end('x'.repeat(OUTPUT_CAP_BYTES + 10_000));
      // /hang never answers
    });
    slowBase = `http://127.0.0.1:${await listen(slow)}`;
  });
  afterAll(async () => {
    slow.closeAllConnections();
    await new Promise((done) => slow.close(done));
  });

  it('caps a large body and says the rest was not read', async () => {
    const { status, body } = await fetchFromHere(`${slowBase}/big`, { timeoutMs: 5_000 });
    expect(status).toBe(200);
    expect(body.startsWith('x'.repeat(OUTPUT_CAP_BYTES))).toBe(true);
    expect(body.endsWith('\n… (rest of the body not read)')).toBe(true);
  });

  it('times out with ETIMEDOUT, which the check words as a timeout', async () => {
    const error = await fetchFromHere(`${slowBase}/hang`, { timeoutMs: 200 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ETIMEDOUT' });
    const check = HttpCheck.parse({
      kind: 'http',
      name: 'hang',
      url: `${slowBase}/hang`,
      from: 'here',
      timeoutSeconds: 1,
    });
    const outcome = await runHttpCheck({ shell, fetchHere: fetchFromHere }, check);
    expect(outcome).toMatchObject({ status: 'fail', summary: 'timed out after 1 s' });
  });

  it('rejects with the abort reason when cancelled', async () => {
    const controller = new AbortController();
    const pending = fetchFromHere(`${slowBase}/hang`, { timeoutMs: 5_000, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('user cancelled')), 50);
    await expect(pending).rejects.toThrow('user cancelled');
  });
});
