import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError } from '../../src/errors.js';
import { connectPinned, type ConnectPinnedOptions } from '../../src/firstboot/ssh/connect-pinned.js';
import { startTestSshd } from '../fixtures/test-sshd.js';
import {
  PASSPHRASE,
  fingerprintOf,
  keygen as keygenIn,
  pinnedOptions,
  sshRejection as rejection,
  startPinnedPi,
  trustedSession as sessionTo,
  type PinnedPi,
} from '../helpers/pinned-pi.js';

/** The first-boot SSH step against a real sshd that holds the host key read back out of a provisioned image. */
let target: PinnedPi;
let dir: string;
let hostKey: string;
let pinnedKeyLine: string;
let pinnedFingerprint: string;
let pi: PinnedPi['pi'];
let keys: PinnedPi['keys'];

const keygen = (name: string, passphrase?: string) => keygenIn(dir, name, passphrase);
const options = (overrides: Partial<ConnectPinnedOptions> = {}) => pinnedOptions(target, overrides);
const trustedSession = (overrides: Partial<ConnectPinnedOptions> = {}) => sessionTo(target, overrides);

beforeAll(async () => {
  target = await startPinnedPi('firstboot-ssh-it-');
  ({ dir, hostKey, pinnedKeyLine, pinnedFingerprint, pi, keys } = target);
});
afterAll(() => target?.stop());

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
