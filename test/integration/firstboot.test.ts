import { spawn, spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FirstBootReport, taskResultOf, type HostCheckInput } from '../../src/contract/index.js';
import type { Core } from '../../src/core.js';
import { writeDeploySshConfig } from '../../src/firstboot/deploy-ssh-config.js';
import { clientKey, provisionPi, startPi, type ProvisionedPi } from '../fixtures/provisioned-pi.js';
import type { TestSshd } from '../fixtures/test-sshd.js';
import { tempCore, type TempCore } from '../helpers/temp-core.js';

/**
 * The whole first boot through the core — discovery, the pinned-key check, login, checks — against a real sshd that
 * holds the host key read out of a provisioned image. Runs as root (sshd, mount namespaces), as CI does.
 */
const BUNDLE = join(process.cwd(), 'dist', 'cli', 'companion.cjs');
let dir: string;
let core: Core;
const reportOf = async (id: string) => taskResultOf('first-boot', await core.tasks.result(id));
let temp: TempCore | undefined;
let pi: ProvisionedPi;
let client: { file: string; publicLine: string };
let web: Server;
let webPort: number;
const running: TestSshd[] = [];

beforeAll(async () => {
  temp = await tempCore('firstboot-');
  ({ dir, core } = temp);
  pi = await provisionPi(core, dir);
  client = await clientKey(dir);
  web = createServer((req, res) => {
    if (req.url === '/metrics') res.end('# HELP node_boot_time_seconds\nnode_boot_time_seconds 1.7e9\n');
    else res.writeHead(503).end('not ready');
  });
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  webPort = (web.address() as AddressInfo).port;
}, 120_000);

afterEach(async () => {
  await Promise.all(running.splice(0).map((sshd) => sshd.stop()));
});

afterAll(async () => {
  web?.close();
  await temp?.dispose();
});

async function configure(checks: HostCheckInput[]): Promise<void> {
  const profile = core.hosts.get('pi')!;
  await core.hosts.save({
    name: 'pi',
    flakeDir: '/srv/infra',
    imagePath: profile.imagePath,
    sopsFile: null,
    wifiCountry: null,
    access: { identityFile: client.file, address: null },
    checks,
  });
}

async function pi22(extra: Parameters<typeof startPi>[2] = {}, key = pi): Promise<TestSshd> {
  const sshd = await startPi(key, client.publicLine, extra);
  running.push(sshd);
  return sshd;
}

describe('first boot against a real sshd', () => {
  it('accepts the key from the image, logs in, passes every check and proposes the deploy', async () => {
    await configure([
      { kind: 'command', name: 'UPS is seen', command: 'echo ups@localhost', expectOutput: 'ups@' },
      {
        kind: 'http',
        name: 'metrics',
        url: `http://127.0.0.1:${webPort}/metrics`,
        expectBody: 'node_boot_time',
      },
    ]);
    const sshd = await pi22();
    await sshd.ready;
    const task = await core.firstBoot.start({
      host: 'pi',
      address: `127.0.0.1:${sshd.port}`,
      timeoutSeconds: 30,
    });
    const report = await task.result;
    expect(report.passed).toBe(true);
    expect(report.found).toEqual({ address: '127.0.0.1', port: sshd.port, via: 'manual' });
    expect(report.trust).toMatchObject({ status: 'match', presentedFingerprint: pi.fingerprint });
    expect(report.login).toMatchObject({ ok: true, user: 'root', method: 'key' });
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ['builtin:system-running', 'pass'],
      ['builtin:network', 'pass'],
      ['builtin:bootstrap-files', 'pass'],
      ['profile:0', 'pass'],
      ['profile:1', 'pass'],
    ]);
    expect(report.nextSteps.deploy?.args).toContain(`root@127.0.0.1`);
    // The deploy's ssh (nixos-rebuild passes NIX_SSHOPTS to it) reaches this Pi with the pinned key, strictly.
    const sshOpts = report.nextSteps.deploy!.env.NIX_SSHOPTS!.split(' ');
    const ssh = (extra: string[]) =>
      spawnSync(
        'ssh',
        [...sshOpts, '-o', 'BatchMode=yes', '-i', client.file, ...extra, 'root@127.0.0.1', 'echo deployed'],
        {
          encoding: 'utf8',
          env: { ...process.env, HOME: dir },
        },
      );
    const ok = ssh([]);
    expect(ok.stdout, ok.stderr).toBe('deployed\n');
    // The address it answered on is now pinned too, so the deploy's ssh trusts exactly this key.
    const knownHosts = await readFile(core.firstBoot.knownHostsFile, 'utf8');
    expect(knownHosts).toContain(
      `[127.0.0.1]:${sshd.port} ${pi.publicLine.split(' ').slice(0, 2).join(' ')}`,
    );
    expect(core.tasks.get(task.id).state).toBe('succeeded');
  });

  it('reports failing command and HTTP checks with their output, and fails the run', async () => {
    await configure([
      { kind: 'command', name: 'UPS is seen', command: 'echo no ups >&2; exit 3' },
      { kind: 'http', name: 'exporter', url: `http://127.0.0.1:${webPort}/down` },
    ]);
    const sshd = await pi22({
      commands: { systemctl: 'echo degraded', nmcli: 'echo "Home:802-11-wireless:wlan0:activated"' },
    });
    await sshd.ready;
    const task = await core.firstBoot.start({
      host: 'pi',
      address: `127.0.0.1:${sshd.port}`,
      timeoutSeconds: 30,
    });
    await expect(task.result).rejects.toMatchObject({ code: 'firstboot-checks-failed' });
    const report = (await reportOf(task.id))!;
    const byId = Object.fromEntries(report.checks.map((c) => [c.id, c]));
    expect(byId['builtin:system-running']?.status).toBe('fail');
    expect(byId['profile:0']).toMatchObject({ status: 'fail', summary: 'exit 3 (expected 0)' });
    expect(byId['profile:0']?.output).toContain('no ups');
    expect(byId['profile:1']).toMatchObject({ status: 'fail', summary: 'HTTP 503 (expected 200)' });
    expect(report.passed).toBe(false);
  });

  it('checks that the injected Wi-Fi file (the PSK) is still root-only on the Pi', async () => {
    const wifiPi = await provisionPi(core, dir, 'pi-wifi', true);
    const envFile = '/var/lib/networkmanager/system-connections.env';
    const run = async (mode: number) => {
      const sshd = await startPi(wifiPi, client.publicLine, {
        files: [
          { path: '/var/lib/bootstrap/ssh_host_ed25519_key', content: wifiPi.hostKey, mode: 0o600 },
          {
            path: '/var/lib/bootstrap/ssh_host_ed25519_key.pub',
            content: `${wifiPi.publicLine}\n`,
            mode: 0o644,
          },
          { path: envFile, content: 'WIFI_SSID=Home\nWIFI_PSK=correct horse battery\n', mode },
        ],
      });
      running.push(sshd);
      await sshd.ready;
      await core.hosts.save({
        name: 'pi-wifi',
        flakeDir: null,
        imagePath: null,
        sopsFile: null,
        wifiCountry: 'DE',
        access: { identityFile: client.file },
      });
      const task = await core.firstBoot.start({
        host: 'pi-wifi',
        address: `127.0.0.1:${sshd.port}`,
        timeoutSeconds: 30,
      });
      await task.result.catch(() => undefined);
      return (await reportOf(task.id))!.checks.find(
        (c) => c.name === 'Wi-Fi password is readable only by root',
      );
    };
    expect(await run(0o600)).toMatchObject({ status: 'pass' });
    expect(await run(0o644)).toMatchObject({
      status: 'fail',
      summary: `${envFile}: mode 644 instead of 600`,
    });
  });

  it('refuses a Pi with another host key and never authenticates', async () => {
    await configure([]);
    const other = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'other')]);
    expect(other.status).toBe(0);
    const otherKey = {
      hostKey: await readFile(join(dir, 'other'), 'utf8'),
      publicLine: (await readFile(join(dir, 'other.pub'), 'utf8')).trim(),
    };
    const sshd = await pi22({}, { ...pi, ...otherKey });
    await sshd.ready;
    const task = await core.firstBoot.start({
      host: 'pi',
      address: `127.0.0.1:${sshd.port}`,
      timeoutSeconds: 30,
    });
    await expect(task.result).rejects.toMatchObject({ code: 'firstboot-host-key-mismatch' });
    const report = (await reportOf(task.id))!;
    expect(report.trust.status).toBe('mismatch');
    expect(report.trust.pinnedFingerprint).toBe(pi.fingerprint);
    expect(report.trust.presentedFingerprint).not.toBe(pi.fingerprint);
    expect(report.checks).toEqual([]);
    expect(await sshd.authAttempts()).toEqual([]);
    // A deploy's ssh with the app's pinned known_hosts refuses this machine just the same.
    const config = await writeDeploySshConfig(
      'pi',
      { address: '127.0.0.1', port: sshd.port },
      core.firstBoot.knownHostsFile,
      dir,
    );
    const ssh = spawnSync(
      'ssh',
      ['-F', config, '-o', 'BatchMode=yes', '-i', client.file, 'root@127.0.0.1', 'true'],
      {
        encoding: 'utf8',
        env: { ...process.env, HOME: dir },
      },
    );
    expect(ssh.status).not.toBe(0);
    expect(ssh.stderr).toMatch(/host key verification failed/i);
  });

  it('waits for a Pi whose sshd comes up 10 s after the wizard started', async () => {
    await configure([]);
    const started = Date.now();
    const sshd = await pi22({ delayMs: 10_000 });
    const task = await core.firstBoot.start({
      host: 'pi',
      address: `127.0.0.1:${sshd.port}`,
      timeoutSeconds: 60,
    });
    const report = await task.result;
    expect(report.passed).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(10_000);
    expect(report.attempts.some((a) => a.result === 'refused' || a.result === 'timeout')).toBe(true);
  }, 40_000);

  it('companion first-boot exits 0 with the JSON report, and 1 on a key mismatch', async () => {
    await configure([]);
    const sshd = await pi22();
    await sshd.ready;
    const cli = (args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [BUNDLE, ...args], {
          env: { ...process.env, COMPANION_HOME: join(dir, 'data') },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    const ok = await cli([
      'first-boot',
      'pi',
      '--address',
      `127.0.0.1:${sshd.port}`,
      '--timeout',
      '30',
      '--json',
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(FirstBootReport.parse(JSON.parse(ok.stdout))).toMatchObject({
      passed: true,
      trust: { status: 'match' },
    });

    const text = await cli(['first-boot', 'pi', '--address', `127.0.0.1:${sshd.port}`, '--timeout', '30']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^host key {2}match SHA256:/m);
    expect(text.stdout).toMatch(/^PASS {2}Bootstrap key is in place/m);
    await sshd.stop();

    const other = await pi22({}, { ...pi, ...(await otherHostKey()) });
    await other.ready;
    const bad = await cli(['first-boot', 'pi', '--address', `127.0.0.1:${other.port}`, '--timeout', '30']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^host key {2}mismatch/m);
    expect(bad.stderr).toMatch(/is not the Pi you provisioned/);
  }, 60_000);
});

async function otherHostKey() {
  const file = join(dir, `other-${Date.now()}`);
  spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
  return {
    hostKey: await readFile(file, 'utf8'),
    publicLine: (await readFile(`${file}.pub`, 'utf8')).trim(),
  };
}
