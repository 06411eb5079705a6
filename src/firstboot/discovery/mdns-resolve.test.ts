import { createSocket } from 'node:dgram';
import makeMdns from 'multicast-dns';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { CancelledError } from '../../errors.js';
import { FirstBootError } from '../first-boot-errors.js';
import { mdnsResolve } from './mdns-resolve.js';

// Loopback only, on a group and port of our own, so these tests never talk to the real LAN's 224.0.0.251:5353.
const GROUP = '239.255.42.99';
const LOOPBACK = '127.0.0.1';

async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, LOOPBACK, resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** Open UDP sockets; a closed one lingers in the list until the next turns of the event loop. */
async function udpHandles(): Promise<number> {
  await delay(20);
  return process.getActiveResourcesInfo().filter((name) => name === 'UDPWrap').length;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** A responder that answers `testpi.local` (from the second query on) and always answers another name. */
async function startResponder(port: number) {
  const responder = makeMdns({ port, ip: GROUP, interface: LOOPBACK, bind: '0.0.0.0' });
  cleanups.push(() => new Promise((resolve) => responder.destroy(resolve)));
  let queries = 0;
  responder.on('query', (query) => {
    if (!query.questions.some((q) => q.name.toLowerCase() === 'testpi.local')) return;
    queries += 1;
    responder.respond([{ name: 'printer.local', type: 'A', ttl: 120, data: '192.0.2.99' }]);
    if (queries < 2) return; // the first query is "lost": the resolver must ask again
    responder.respond({
      answers: [{ name: 'TestPi.local', type: 'A', ttl: 120, flush: true, data: '127.0.0.1' }],
      additionals: [{ name: 'testpi.local', type: 'AAAA', ttl: 120, flush: true, data: '::1' }],
    });
  });
  await new Promise((resolve) => responder.once('ready', resolve));
  return { queries: () => queries };
}

describe('mdnsResolve', () => {
  it('asks again, collects A and AAAA for exactly that name and stops soon after the first answer', async () => {
    const port = await freeUdpPort();
    const responder = await startResponder(port);
    const before = await udpHandles();
    const started = Date.now();
    const found = await mdnsResolve('testpi.local', {
      multicastPort: port,
      multicastIp: GROUP,
      interfaceAddress: LOOPBACK,
      timeoutMs: 3000,
    });
    expect(found).toEqual(['127.0.0.1', '::1']);
    expect(responder.queries()).toBe(2);
    expect(Date.now() - started).toBeLessThan(1000); // second query at 250 ms + 300 ms settling
    expect(await udpHandles()).toBe(before);
  });

  it('resolves with no addresses when nobody answers, and closes its socket', async () => {
    const port = await freeUdpPort();
    const before = await udpHandles();
    const started = Date.now();
    const found = await mdnsResolve('nobody.local', {
      multicastPort: port,
      multicastIp: GROUP,
      interfaceAddress: LOOPBACK,
      timeoutMs: 400,
    });
    expect(found).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    expect(await udpHandles()).toBe(before);
  });

  it('stops promptly when cancelled', async () => {
    const port = await freeUdpPort();
    const before = await udpHandles();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const pending = mdnsResolve('nobody.local', {
      multicastPort: port,
      multicastIp: GROUP,
      interfaceAddress: LOOPBACK,
      timeoutMs: 5000,
      signal: controller.signal,
    });
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await udpHandles()).toBe(before);
    await expect(mdnsResolve('x.local', { signal: controller.signal })).rejects.toBeInstanceOf(
      CancelledError,
    );
  });

  it('fails with a typed error when the port is held exclusively', async () => {
    const holder = createSocket({ type: 'udp4', reuseAddr: false });
    await new Promise<void>((resolve) => holder.bind(0, '0.0.0.0', resolve));
    cleanups.push(() => new Promise((resolve) => holder.close(resolve)));
    const before = await udpHandles();
    const pending = mdnsResolve('testpi.local', {
      multicastPort: holder.address().port,
      multicastIp: GROUP,
      interfaceAddress: LOOPBACK,
      timeoutMs: 2000,
    });
    await expect(pending).rejects.toBeInstanceOf(FirstBootError);
    await expect(pending).rejects.toMatchObject({ code: 'firstboot-mdns-failed', message: /EADDRINUSE/ });
    expect(await udpHandles()).toBe(before);
  });
});
