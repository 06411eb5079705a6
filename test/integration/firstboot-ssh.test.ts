import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError } from '../../src/errors.js';
import { connectPinned, type ConnectPinnedOptions } from '../../src/firstboot/ssh/connect-pinned.js';
import type { PinnedSession } from '../../src/firstboot/ssh/pinned-session.js';
import { FirstbootSshError } from '../../src/firstboot/ssh/ssh-errors.js';
import { provisionImage } from '../../src/provision/provision-image.js';
import type { TaskContext } from '../../src/tasks/task-manager.js';
import { buildSdImage } from '../fixtures/sd-image.js';
import { startTestSshd, type TestSshd } from '../fixtures/test-sshd.js';
import { catFile } from '../helpers/debugfs-probe.js';

/** The first-boot SSH step against a real sshd that holds the host key read back out of a provisioned image. */
let dir: string;
let hostKey: string;
let pinnedKeyLine: string;
let pinnedFingerprint: string;
let pi: TestSshd;
const keys: Record<string, Buffer> = {};
const PASSPHRASE = 'correct horse';

function keygen(name: string, passphrase = ''): string {
  const file = join(dir, name);
  // -a 2: few bcrypt rounds, so ssh2's JavaScript bcrypt decrypts the encrypted key quickly.
  const result = spawnSync('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-a',
    '2',
    '-N',
    passphrase,
    '-C',
    name,
    '-f',
    file,
  ]);
  if (result.status !== 0) throw new Error(result.stderr.toString());
  return file;
}

function fingerprintOf(pubFile: string): string {
  return spawnSync('ssh-keygen', ['-lf', pubFile]).stdout.toString().split(' ')[1]!;
}

/** Provisions a fixture image (generated host key) exactly as the app does, then reads the key back with debugfs. */
async function provisionFixtureImage(): Promise<{
  privateKey: string;
  publicLine: string;
  fingerprint: string;
}> {
  const fixture = await buildSdImage(join(dir, 'source'));
  const ctx: TaskContext = {
    taskId: 'test',
    signal: new AbortController().signal,
    progress: () => {},
    log: () => {},
    redact: () => {},
    setOutcome: () => {},
  };
  const outcome = await provisionImage(
    ctx,
    {
      host: 'pi',
      dest: join(dir, 'pi.img'),
      sopsFile: null,
      overwrite: false,
      source: { kind: 'file', path: fixture.path, format: 'raw', sizeBytes: fixture.imageSize },
      wifi: null,
      wifiOrigin: null,
      hostKey: null,
      hostKeyOrigin: 'generated',
      sopsKeysFound: [],
      pinToUserKnownHosts: false,
      warnings: [],
    },
    { appKnownHosts: join(dir, 'known_hosts'), record: async () => {} },
  );
  const image = outcome.record.image;
  const offset = outcome.record.rootPartitionOffset;
  return {
    privateKey: catFile(image, offset, '/var/lib/bootstrap/ssh_host_ed25519_key').toString(),
    publicLine: catFile(image, offset, '/var/lib/bootstrap/ssh_host_ed25519_key.pub').toString().trim(),
    fingerprint: outcome.pin.fingerprint,
  };
}

function options(overrides: Partial<ConnectPinnedOptions> = {}): ConnectPinnedOptions {
  return {
    host: pi.host,
    port: pi.port,
    username: 'root',
    pinnedKeyLine,
    auth: { privateKey: keys.client },
    readyTimeoutMs: 5_000,
    ...overrides,
  };
}

async function trustedSession(overrides: Partial<ConnectPinnedOptions> = {}): Promise<PinnedSession> {
  const result = await connectPinned(options(overrides));
  if (result.kind !== 'trusted') throw new Error(`expected trusted, got ${result.kind}`);
  return result.session;
}

async function rejection(promise: Promise<unknown>): Promise<FirstbootSshError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FirstbootSshError);
  return error as FirstbootSshError;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'firstboot-ssh-it-'));
  const provisioned = await provisionFixtureImage();
  hostKey = provisioned.privateKey;
  pinnedKeyLine = provisioned.publicLine;
  pinnedFingerprint = provisioned.fingerprint;
  for (const name of ['client', 'stranger', 'agent-key']) keys[name] = await readFile(keygen(name));
  keys.locked = await readFile(keygen('locked', PASSPHRASE));
  const authorized = ['client', 'locked', 'agent-key'].map((name) =>
    readFile(join(dir, `${name}.pub`), 'utf8'),
  );
  pi = await startTestSshd({
    hostKey,
    authorizedKeys: (await Promise.all(authorized)).join(''),
    files: [{ path: '/var/lib/bootstrap/marker', content: 'hello\n', mode: 0o640 }],
    commands: { systemctl: 'echo "stub systemctl $*"\nexit 3' },
  });
  await pi.ready;
});
afterAll(async () => {
  await pi?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('connectPinned against the provisioned host key', () => {
  it('logs in when the presented key is the pinned one, and runs commands', async () => {
    // The pin the app saved is the key OpenSSH sees in the image.
    await writeFile(join(dir, 'pi.pub'), `${pinnedKeyLine}\n`);
    expect(fingerprintOf(join(dir, 'pi.pub'))).toBe(pinnedFingerprint);
    const result = await connectPinned(options());
    if (result.kind !== 'trusted') throw new Error(result.kind);
    const { session } = result;
    try {
      expect(result.method).toBe('key');
      expect(result.presented.fingerprint).toBe(pinnedFingerprint);
      expect(result.presented.keyLine).toBe(pinnedKeyLine.split(' ').slice(0, 2).join(' '));

      const run = (command: string) => session.exec(command, { timeoutMs: 5_000 });
      expect(await run('echo hi')).toEqual({
        exitCode: 0,
        signal: null,
        stdout: 'hi\n',
        stderr: '',
        timedOut: false,
      });
      expect(await run('echo oops >&2; exit 7')).toMatchObject({ exitCode: 7, stderr: 'oops\n' });
      expect(await run('systemctl is-active foo')).toMatchObject({
        exitCode: 3,
        stdout: 'stub systemctl is-active foo\n',
      });
      expect((await run('echo $PATH')).stdout).toMatch(/^\/tmp\/test-sshd-\w+\/bin:/);
      expect(
        await run('stat -c "%a %U" /var/lib/bootstrap/marker; cat /var/lib/bootstrap/marker'),
      ).toMatchObject({
        stdout: '640 root\nhello\n',
      });
      expect(existsSync('/var/lib/bootstrap/marker')).toBe(false); // the host's /var/lib was never touched
      const big = await run('head -c 100000 /dev/zero | tr "\\0" x');
      expect(big.stdout).toMatch(/^x{65536}\n… \(output cut\)$/);
    } finally {
      await session.close();
    }
    // The positive control for the "no auth attempt" assertions below.
    expect((await pi.authAttempts()).join('\n')).toMatch(/userauth-request for user root/);
  });

  it('reports a different host key as a mismatch, before any login attempt', async () => {
    const other = await startTestSshd({
      hostKey: await readFile(keygen('other-host'), 'utf8'),
      authorizedKeys: await readFile(join(dir, 'client.pub'), 'utf8'),
    });
    try {
      await other.ready;
      const result = await connectPinned(options({ port: other.port }));
      expect(result).toEqual({
        kind: 'mismatch',
        presented: {
          keyLine: expect.stringMatching(/^ssh-ed25519 AAAA\S+$/),
          fingerprint: fingerprintOf(join(dir, 'other-host.pub')),
        },
        pinnedFingerprint,
      });
      expect(await readFile(other.logFile, 'utf8')).toMatch(/Connection from 127\.0\.0\.1/);
      expect(await other.authAttempts()).toEqual([]);
    } finally {
      await other.stop();
    }
  });

  it('with nothing pinned, shows the presented key and does not log in', async () => {
    const before = (await pi.authAttempts()).length;
    const result = await connectPinned(options({ pinnedKeyLine: null }));
    expect(result).toEqual({
      kind: 'unpinned',
      presented: { keyLine: pinnedKeyLine.split(' ').slice(0, 2).join(' '), fingerprint: pinnedFingerprint },
    });
    expect((await pi.authAttempts()).length).toBe(before);
  });
});

describe('connectPinned credentials', () => {
  it('names the user and the method when the key is not authorized', async () => {
    const error = await rejection(connectPinned(options({ auth: { privateKey: keys.stranger } })));
    expect(error.code).toBe('firstboot-auth-failed');
    expect(error.message).toContain('root');
    expect(error.message).toContain('your private key');
    expect(error.hint).toContain('users.users.root.openssh.authorizedKeys.keys');
  });

  it('says when an encrypted key has no or the wrong passphrase, and logs in with the right one', async () => {
    for (const passphrase of [undefined, 'wrong horse']) {
      const error = await rejection(
        connectPinned(options({ auth: { privateKey: keys.locked, passphrase } })),
      );
      expect(error.code).toBe('firstboot-key-passphrase');
      expect(error.message).not.toContain('horse');
    }
    const session = await trustedSession({ auth: { privateKey: keys.locked, passphrase: PASSPHRASE } });
    await session.close();
  });

  it('refuses to start without an agent or a key', async () => {
    for (const auth of [{}, { agent: join(dir, 'no-such-agent.sock') }]) {
      expect((await rejection(connectPinned(options({ auth })))).code).toBe('firstboot-no-agent');
    }
  });

  it('logs in with a key held by ssh-agent', async () => {
    const socket = join(dir, 'agent.sock');
    const agent: ChildProcess = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 100 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 20));
      const added = spawnSync('ssh-add', [join(dir, 'agent-key')], {
        env: { ...process.env, SSH_AUTH_SOCK: socket },
      });
      expect(added.status, added.stderr.toString()).toBe(0);
      const result = await connectPinned(options({ auth: { agent: socket } }));
      if (result.kind !== 'trusted') throw new Error(result.kind);
      expect(result.method).toBe('agent');
      expect((await result.session.exec('whoami', { timeoutMs: 5_000 })).stdout).toBe('root\n');
      await result.session.close();
    } finally {
      agent.kill();
    }
  });
});

describe('connectPinned after the key matched', () => {
  it('calls a hang-up during the login a dropped login, not an unreachable Pi (so it is not retried)', async () => {
    const strict = await startTestSshd({
      hostKey,
      authorizedKeys: `${spawnSync('ssh-keygen', ['-y', '-f', join(dir, 'client')]).stdout.toString()}`,
      sshdOptions: ['MaxAuthTries 1'],
    });
    const socket = join(dir, 'many-keys.sock');
    const agent: ChildProcess = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    try {
      await strict.ready;
      for (let i = 0; i < 100 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 20));
      for (const name of ['stranger', 'agent-key']) {
        const added = spawnSync('ssh-add', [join(dir, name)], {
          env: { ...process.env, SSH_AUTH_SOCK: socket },
        });
        expect(added.status, added.stderr.toString()).toBe(0);
      }
      const error = await rejection(
        connectPinned(options({ host: strict.host, port: strict.port, auth: { agent: socket } })),
      );
      expect(error.code).toBe('firstboot-login-dropped');
      expect(error.message).toContain('presented the pinned host key');
    } finally {
      agent.kill();
      await strict.stop();
    }
  });
});

describe('connectPinned connection faults', () => {
  it('says the host is unreachable when nothing listens', async () => {
    const server = createTcpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const error = await rejection(connectPinned(options({ port })));
    expect(error.code).toBe('firstboot-ssh-unreachable');
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).toContain('connection refused');
  });

  it('times out on a host that accepts but never speaks SSH, and aborts promptly', async () => {
    const silent = createTcpServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const timedOut = await rejection(connectPinned(options({ port, readyTimeoutMs: 300 })));
      expect(timedOut.code).toBe('firstboot-ssh-unreachable');
      const started = Date.now();
      const error = await connectPinned(options({ port, signal: AbortSignal.timeout(200) })).catch((e) => e);
      expect(error).toBeInstanceOf(CancelledError);
      expect(Date.now() - started).toBeLessThan(1_000);
    } finally {
      silent.close();
    }
  });

  it('waits for a slow-booting sshd', async () => {
    const started = Date.now();
    const slow = await startTestSshd({ hostKey, authorizedKeys: '', delayMs: 1_500 });
    try {
      await slow.ready;
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
    } finally {
      await slow.stop();
    }
  });
});

describe('PinnedSession', () => {
  let session: PinnedSession;
  let web: Server;
  let webPort: number;
  beforeAll(async () => {
    session = await trustedSession();
    web = createHttpServer((req, res) => {
      if (req.url === '/health') res.end('ok');
      else res.writeHead(404).end('nope');
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    webPort = (web.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await session?.close();
    web?.close();
  });

  it('GETs through the tunnel opened by the Pi', async () => {
    const health = await session.httpGet(`http://127.0.0.1:${webPort}/health`, { timeoutMs: 5_000 });
    expect(health).toEqual({ status: 200, body: 'ok' });
    const missing = await session.httpGet(`http://localhost:${webPort}/missing?x=1`, { timeoutMs: 5_000 });
    expect(missing).toEqual({ status: 404, body: 'nope' });
    // The Pi's sshd made the connections, not this process.
    expect(await readFile(pi.logFile, 'utf8')).toMatch(
      new RegExp(`direct_tcpip: .*target 127\\.0\\.0\\.1 port ${webPort}`),
    );
  });

  it('verifies https certificates, trusting a self-signed one only when given as a CA', async () => {
    const key = join(dir, 'tls.key');
    const cert = join(dir, 'tls.crt');
    const made = spawnSync('openssl', [
      ...[
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
      ],
      ...['-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost', '-keyout', key, '-out', cert],
    ]);
    expect(made.status, made.stderr.toString()).toBe(0);
    const secure = createHttpsServer({ key: await readFile(key), cert: await readFile(cert) }, (_req, res) =>
      res.end('secure'),
    );
    await new Promise<void>((resolve) => secure.listen(0, '127.0.0.1', resolve));
    const url = `https://localhost:${(secure.address() as AddressInfo).port}/`;
    try {
      const refused = await rejection(session.httpGet(url, { timeoutMs: 5_000 }));
      expect(refused.code, refused.message).toBe('firstboot-http-tls');
      const ca = await readFile(cert);
      expect(await session.httpGet(url, { timeoutMs: 5_000, ca })).toEqual({ status: 200, body: 'secure' });
    } finally {
      secure.close();
    }
  });

  it('says when the Pi cannot connect to the URL', async () => {
    const error = await rejection(session.httpGet('http://127.0.0.1:1/', { timeoutMs: 5_000 }));
    expect(error.code).toBe('firstboot-http-failed');
  });

  it('stops a command at its timeout and keeps the session usable', async () => {
    const started = Date.now();
    const result = await session.exec('sleep 5', { timeoutMs: 500 });
    expect(result).toMatchObject({ timedOut: true, exitCode: null });
    expect(Date.now() - started).toBeLessThan(1_500);
    expect((await session.exec('echo still here', { timeoutMs: 5_000 })).stdout).toBe('still here\n');
    // We asked sshd to KILL it; OpenSSH refuses signals for root logins ("session signalling requires privilege
    // separation"), so as root the command runs on until it ends by itself, its output discarded.
    expect(await readFile(pi.logFile, 'utf8')).toMatch(/req signal/);
  });

  it('throws CancelledError when a command is cancelled', async () => {
    const error = await session
      .exec('sleep 5', { timeoutMs: 5_000, signal: AbortSignal.timeout(200) })
      .catch((e) => e);
    expect(error).toBeInstanceOf(CancelledError);
  });
});
