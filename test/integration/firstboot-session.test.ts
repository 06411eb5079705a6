import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError } from '../../src/errors.js';
import type { PinnedSession } from '../../src/firstboot/ssh/pinned-session.js';
import {
  sshRejection as rejection,
  startPinnedPi,
  trustedSession,
  type PinnedPi,
} from '../helpers/pinned-pi.js';

/** A first-boot SSH session to a real sshd holding a provisioned host key: commands, tunnels, timeouts. */
let target: PinnedPi;
let dir: string;
let pi: PinnedPi['pi'];

beforeAll(async () => {
  target = await startPinnedPi('firstboot-session-it-');
  ({ dir, pi } = target);
});
afterAll(() => target?.stop());

describe('PinnedSession', () => {
  let session: PinnedSession;
  let web: Server;
  let webPort: number;
  beforeAll(async () => {
    session = await trustedSession(target);
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
