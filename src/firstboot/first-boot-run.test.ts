import { describe, expect, it, vi } from 'vitest';
import { HostProfile, type CheckResult, type FirstBootReport } from '../contract/index.js';
import { CompanionError } from '../errors.js';
import { generateEd25519HostKey } from '../secrets/ssh-host-key.js';
import { runFirstBoot, type ConnectOutcome, type FirstBootDeps } from './first-boot-run.js';

const PIN = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPinnedPinnedPinnedPinnedPinnedPinnedPinned00';
const OTHER = realKey();
const PINNED = { keyLine: PIN, fingerprint: 'SHA256:pinned' };

const profile = (patch: Partial<HostProfile> = {}): HostProfile =>
  HostProfile.parse({
    name: 'pi',
    flakeDir: '/home/me/infra',
    imagePath: null,
    sopsFile: '/home/me/infra/secrets/pi.yaml',
    secretKeys: { wifiSsid: 'a', wifiPsk: 'b', hostKey: 'c', wifiCountry: 'd' },
    wifiCountry: null,
    pinnedHostKey: {
      publicKeyLine: PIN,
      fingerprint: 'SHA256:pinned',
      ageRecipient: 'age1pi',
      pinnedAt: 'x',
    },
    lastProvision: null,
    ...patch,
  });

const pass = (id: string): CheckResult => ({
  id,
  name: id,
  status: 'pass',
  summary: 'ok',
  output: '',
  durationMs: 1,
});

function deps(connect: () => Promise<ConnectOutcome>, overrides: Partial<FirstBootDeps> = {}) {
  const session = { exec: vi.fn(), httpGet: vi.fn(), close: vi.fn() };
  const d: FirstBootDeps = {
    findHost: vi.fn(async ({ onAttempt }) => {
      onAttempt({ at: 'now', via: 'mdns', target: 'pi.local', result: 'resolved', detail: '192.0.2.7' });
      return { address: '192.0.2.7', port: 22, via: 'mdns' as const };
    }),
    connectPinned: vi.fn(connect),
    runChecks: vi.fn(async ({ onResult }) => {
      const results = [pass('builtin:system-running')];
      results.forEach(onResult);
      return results;
    }),
    keyPassphrase: vi.fn(async () => null),
    pin: vi.fn(async () => undefined),
    checkLogin: vi.fn(async () => undefined),
    writeDeployConfig: vi.fn(async () => '/tmp/companion-0/pi.ssh_config'),
    agentSocket: '/run/agent.sock',
    platform: 'linux',
    hasNixosRebuild: async () => true,
    sleep: async () => undefined,
    ...overrides,
  };
  return { d, session };
}

async function run(d: FirstBootDeps, p = profile(), trustPresentedKey: string | null = null) {
  const changes: FirstBootReport[] = [];
  const result = runFirstBoot(
    {
      profile: p,
      address: null,
      timeoutSeconds: 60,
      trustPresentedKey,
      signal: new AbortController().signal,
      onChange: (report) => changes.push(structuredClone(report)),
      log: () => undefined,
    },
    d,
  );
  return { result, changes };
}

describe('runFirstBoot', () => {
  it('trusts a matching key, logs in with the agent, runs the checks and proposes the deploy', async () => {
    const { d, session } = deps(async () => ({
      kind: 'trusted',
      session: fake(),
      presented: PINNED,
      method: 'agent',
    }));
    function fake() {
      return session;
    }
    const { result } = await run(d);
    const report = await result;
    expect(report.passed).toBe(true);
    expect(report.trust.status).toBe('match');
    expect(report.login).toEqual({ ok: true, user: 'root', method: 'agent', error: null });
    expect(vi.mocked(d.connectPinned).mock.calls[0]?.[0]).toMatchObject({
      host: '192.0.2.7',
      pinnedKeyLine: PIN,
      auth: { agent: '/run/agent.sock' },
    });
    expect(report.nextSteps.ageRecipient).toBe('age1pi');
    expect(report.nextSteps.deploy?.env).toEqual({ NIX_SSHOPTS: '-F /tmp/companion-0/pi.ssh_config' });
    expect(report.nextSteps.deploy?.args).toEqual([
      'switch',
      '--flake',
      '/home/me/infra#pi',
      '--target-host',
      'root@192.0.2.7',
    ]);
    expect(session.close).toHaveBeenCalledOnce();
    expect(report.stage).toBe('done');
  });

  it('stops at a mismatched key, says so loudly and never runs a check', async () => {
    const { d } = deps(async () => ({
      kind: 'mismatch',
      presented: OTHER,
      pinnedFingerprint: 'SHA256:pinned',
    }));
    const { result, changes } = await run(d);
    await expect(result).rejects.toMatchObject({ code: 'firstboot-host-key-mismatch' });
    const last = changes.at(-1)!;
    expect(last.trust).toMatchObject({
      status: 'mismatch',
      presentedFingerprint: OTHER.fingerprint,
      pinnedFingerprint: 'SHA256:pinned',
    });
    expect(last.trust.explanation).toMatch(/no login was attempted/i);
    expect(d.runChecks).not.toHaveBeenCalled();
    expect(d.pin).not.toHaveBeenCalled();
  });

  it('shows an unpinned key and pins it only once the user approved exactly that key', async () => {
    const { d, session } = deps(async () => ({ kind: 'unpinned', presented: OTHER }));
    const unpinned = profile({ pinnedHostKey: null });
    const first = await run(d, unpinned);
    await expect(first.result).rejects.toMatchObject({ code: 'firstboot-host-key-unpinned' });
    expect(first.changes.at(-1)!.trust.presentedKeyLine).toBe(OTHER.keyLine);
    expect(d.pin).not.toHaveBeenCalled();

    vi.mocked(d.connectPinned).mockImplementation(async () => ({
      kind: 'trusted',
      session,
      presented: OTHER,
      method: 'agent',
    }));
    const second = await run(d, unpinned, OTHER.keyLine);
    await expect(second.result).resolves.toMatchObject({ passed: true });
    expect(vi.mocked(d.connectPinned).mock.calls.at(-1)?.[0].pinnedKeyLine).toBe(OTHER.keyLine);
    expect(d.pin).toHaveBeenCalledWith(OTHER, { address: '192.0.2.7', port: 22, via: 'mdns' });
  });

  it('treats an sshd that drops the first handshakes as still booting and tries again', async () => {
    const { d, session } = deps(async () => ({
      kind: 'trusted',
      session,
      presented: PINNED,
      method: 'agent',
    }));
    vi.mocked(d.connectPinned).mockRejectedValueOnce(
      new CompanionError('firstboot-ssh-unreachable', 'reset', 'wait'),
    );
    const { result } = await run(d);
    await expect(result).resolves.toMatchObject({ passed: true });
    expect(d.findHost).toHaveBeenCalledTimes(2);
  });

  it('reports a refused login with the key already accepted', async () => {
    const { d } = deps(async () => {
      throw new CompanionError('firstboot-auth-failed', 'root refused the agent keys', 'add your key');
    });
    const { result, changes } = await run(d);
    await expect(result).rejects.toMatchObject({ code: 'firstboot-auth-failed' });
    expect(changes.at(-1)).toMatchObject({
      trust: { status: 'match' },
      login: { ok: false, error: 'root refused the agent keys' },
    });
  });

  it('fails with every failed check named, after keeping all results', async () => {
    const { d, session } = deps(async () => ({ kind: 'trusted', session, presented: PINNED, method: 'key' }));
    vi.mocked(d.runChecks).mockResolvedValue([
      pass('builtin:network'),
      {
        id: 'profile:0',
        name: 'UPS',
        status: 'fail',
        summary: 'exit 1 (expected 0)',
        output: '',
        durationMs: 3,
      },
    ]);
    const { result, changes } = await run(d);
    await expect(result).rejects.toMatchObject({
      code: 'firstboot-checks-failed',
      message: expect.stringContaining('UPS (exit 1 (expected 0))'),
    });
    expect(changes.at(-1)!.checks).toHaveLength(2);
    expect(changes.at(-1)!.passed).toBe(false);
    // No deploy is offered for a Pi that failed its checks.
    expect(changes.at(-1)!.nextSteps.deploy).toBeNull();
    expect(d.writeDeployConfig).not.toHaveBeenCalled();
  });

  it('reads the key file and its saved passphrase instead of the agent when the host names one', async () => {
    const { d, session } = deps(async () => ({ kind: 'trusted', session, presented: PINNED, method: 'key' }));
    vi.mocked(d.keyPassphrase).mockResolvedValue('s3cret');
    const withKey = profile();
    withKey.access.identityFile = new URL(import.meta.url).pathname;
    await (
      await run(d, withKey)
    ).result;
    const auth = vi.mocked(d.connectPinned).mock.calls[0]?.[0].auth;
    // The key first, the agent as a fallback (as ssh does).
    expect(auth?.agent).toBe('/run/agent.sock');
    expect(auth?.passphrase).toBe('s3cret');
    expect(auth?.privateKey?.length).toBeGreaterThan(0);
  });

  it('treats a hang-up after the key matched as a login problem and does not retry it', async () => {
    const { d } = deps(async () => {
      throw new CompanionError('firstboot-login-dropped', 'hung up during login', 'use the key file');
    });
    const { result, changes } = await run(d);
    await expect(result).rejects.toMatchObject({ code: 'firstboot-login-dropped' });
    expect(d.connectPinned).toHaveBeenCalledOnce();
    expect(changes.at(-1)).toMatchObject({
      trust: { status: 'match', presentedFingerprint: expect.stringMatching(/^SHA256:/) },
      login: { ok: false, error: 'hung up during login' },
      stage: 'done',
    });
  });

  it('refuses unusable credentials before looking for the Pi', async () => {
    const { d } = deps(async () => {
      throw new Error('must not connect');
    });
    vi.mocked(d.checkLogin).mockRejectedValue(
      new CompanionError('firstboot-no-agent', 'no agent', 'start one'),
    );
    const { result, changes } = await run(d);
    await expect(result).rejects.toMatchObject({ code: 'firstboot-no-agent' });
    expect(d.findHost).not.toHaveBeenCalled();
    expect(changes.at(-1)).toMatchObject({ stage: 'done', login: { error: 'no agent' } });
  });

  it('derives the age recipient of a key trusted during the run', async () => {
    const key = realKey();
    const { d, session } = deps(async () => ({ kind: 'trusted', session, presented: key, method: 'agent' }));
    const report = await (await run(d, profile({ pinnedHostKey: null }), key.keyLine)).result;
    expect(report.nextSteps.ageRecipient).toMatch(/^age1[0-9a-z]{58}$/);
  });
  it('stops as cancelled while waiting for systemd, closes the session and ends the report', async () => {
    const { d, session } = deps(async () => ({
      kind: 'trusted',
      session,
      presented: PINNED,
      method: 'agent',
    }));
    const controller = new AbortController();
    vi.mocked(d.runChecks).mockImplementation(
      ({ signal, onWaiting }) =>
        new Promise((_, reject) => {
          onWaiting('systemd is still starting (3 jobs left)');
          signal.addEventListener('abort', () => reject(signal.reason));
          setTimeout(() => controller.abort(), 10);
        }),
    );
    const changes: FirstBootReport[] = [];
    const result = runFirstBoot(
      {
        profile: profile(),
        address: null,
        timeoutSeconds: 60,
        trustPresentedKey: null,
        signal: controller.signal,
        onChange: (report) => changes.push(structuredClone(report)),
        log: () => undefined,
      },
      d,
    );
    await expect(result).rejects.toMatchObject({ code: 'cancelled' });
    expect(changes.some((c) => c.waiting === 'systemd is still starting (3 jobs left)')).toBe(true);
    expect(changes.at(-1)).toMatchObject({ stage: 'done', waiting: null });
    expect(session.close).toHaveBeenCalledOnce();
  });
});

describe('runFirstBoot while it looks for the Pi', () => {
  it('names the port it waits on: the typed one, else SSH’s 22', async () => {
    for (const [address, port] of [
      [null, 22],
      ['192.0.2.7:2222', 2222],
    ] as const) {
      const { d, session } = deps(async () => ({
        kind: 'trusted',
        session,
        presented: PINNED,
        method: 'agent',
      }));
      const { result, changes } = await run(d, { ...profile(), access: { ...profile().access, address } });
      await result;
      const waiting = changes.find((c) => c.stage === 'finding')?.waiting;
      expect(waiting).toBe(`Waiting for the Pi to answer on SSH (port ${port})`);
    }
  });
});

function realKey() {
  const { publicKeyLine, fingerprint } = generateEd25519HostKey('pi');
  return { keyLine: publicKeyLine, fingerprint };
}
