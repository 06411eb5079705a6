import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { DiscoveryAttempt } from '../../contract/index.js';
import { CancelledError } from '../../errors.js';
import { FirstBootError } from '../first-boot-errors.js';
import { findHost } from './find-host.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function listen(port = 0): Promise<number> {
  const server = createServer((socket) => socket.destroy());
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A loopback port nothing listens on (yet): connections are refused. */
async function freePort(): Promise<number> {
  const port = await listen();
  const server = servers.pop() as Server;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const notInDns = async (): Promise<string[]> => {
  throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
};
const noMdns = async () => [];
const lines = (attempts: DiscoveryAttempt[]) => attempts.map((a) => `${a.via} ${a.target} ${a.result}`);

describe('findHost', () => {
  it('keeps trying the typed address until the Pi starts listening', async () => {
    const port = await freePort();
    setTimeout(() => void listen(port), 1500);
    const started = Date.now();
    const found = await findHost({
      hostName: 'testpi',
      manualAddress: `127.0.0.1:${port}`,
      timeoutMs: 10_000,
      resolvers: { mdns: noMdns, dns: notInDns },
    });
    expect(found).toMatchObject({ address: '127.0.0.1', port, via: 'manual' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    expect(lines(found.attempts)).toEqual([
      'mdns testpi.local not-found',
      'dns testpi not-found',
      `manual 127.0.0.1:${port} refused`,
      `manual 127.0.0.1:${port} open`,
    ]);
  });

  it('gives up after the timeout with a typed error saying what was tried', async () => {
    const port = await freePort();
    const reported: DiscoveryAttempt[] = [];
    let rounds = 0;
    const started = Date.now();
    const error = await findHost({
      hostName: 'testpi',
      manualAddress: `127.0.0.1:${port}`,
      timeoutMs: 2500,
      onAttempt: (a) => reported.push(a),
      resolvers: { mdns: async () => (rounds++, []), dns: notInDns },
    }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(3500);
    expect(rounds).toBeGreaterThanOrEqual(2);
    expect(error).toBeInstanceOf(FirstBootError);
    expect(error).toMatchObject({ code: 'firstboot-not-found' });
    const { message, hint } = error as FirstBootError;
    expect(message).toContain(
      `testpi.local: no mDNS answer; testpi: not in DNS; 127.0.0.1:${port}: connection refused`,
    );
    expect(hint).toMatch(/power/);
    expect(hint).toMatch(/DHCP/);
    expect(hint).toMatch(/several minutes/);
    // Unchanged outcomes are not repeated round after round.
    expect(lines(reported)).toHaveLength(3);
  });

  it('stops within a second when cancelled, even while a resolver hangs', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    const pending = findHost({
      hostName: 'testpi',
      timeoutMs: 60_000,
      signal: controller.signal,
      resolvers: { mdns: () => new Promise(() => {}), dns: () => new Promise(() => {}) },
    });
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('stops within a second when cancelled between rounds', async () => {
    const port = await freePort();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 1300);
    const started = Date.now();
    const pending = findHost({
      hostName: 'testpi',
      manualAddress: `127.0.0.1:${port}`,
      timeoutMs: 60_000,
      signal: controller.signal,
      resolvers: { mdns: noMdns, dns: notInDns },
    });
    await expect(pending).rejects.toThrow(/cancelled/);
    expect(Date.now() - started).toBeLessThan(2300);
  });

  it('probes an address once when mDNS and DNS both give it', async () => {
    const port = await listen();
    const found = await findHost({
      hostName: 'testpi',
      port,
      timeoutMs: 5000,
      resolvers: { mdns: async () => ['127.0.0.1'], dns: async () => ['127.0.0.1'] },
    });
    expect(found).toMatchObject({ address: '127.0.0.1', port, via: 'mdns' });
    expect(lines(found.attempts)).toEqual([
      'mdns testpi.local resolved',
      'dns testpi resolved',
      `mdns 127.0.0.1:${port} open`,
    ]);
  });

  it('looks a typed name up in DNS and keeps its port', async () => {
    const port = await listen();
    const asked: string[] = [];
    const found = await findHost({
      hostName: 'testpi',
      manualAddress: `pi.lan:${port}`,
      timeoutMs: 5000,
      resolvers: {
        mdns: noMdns,
        dns: async (name) => (asked.push(name), name === 'pi.lan' ? ['127.0.0.1'] : notInDns()),
      },
    });
    expect(found).toMatchObject({ address: '127.0.0.1', port, via: 'manual' });
    expect(asked.sort()).toEqual(['pi.lan', 'testpi']); // never testpi.local through DNS
  });

  it('rejects a malformed typed address before trying anything', async () => {
    await expect(
      findHost({ hostName: 'testpi', manualAddress: 'pi:99999', timeoutMs: 5000 }),
    ).rejects.toMatchObject({ code: 'firstboot-bad-address' });
  });
});
