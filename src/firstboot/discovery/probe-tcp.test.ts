import { createServer, Socket, type AddressInfo, type Server } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CancelledError } from '../../errors.js';
import { probeTcp } from './probe-tcp.js';

const servers: Server[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function listen(): Promise<number> {
  const server = createServer((socket) => socket.destroy());
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A port that was free a moment ago: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const port = await listen();
  const server = servers.pop() as Server;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const tcpHandles = () => process.getActiveResourcesInfo().filter((name) => name === 'TCPWrap').length;

describe('probeTcp', () => {
  it('reports an open port', async () => {
    const port = await listen();
    expect(await probeTcp('127.0.0.1', port, { timeoutMs: 2000 })).toEqual({
      result: 'open',
      detail: 'port open',
    });
  });

  it('reports a refused connection', async () => {
    const port = await closedPort();
    expect(await probeTcp('127.0.0.1', port, { timeoutMs: 2000 })).toEqual({
      result: 'refused',
      detail: 'connection refused',
    });
  });

  it('reports a timeout when nothing answers', async () => {
    // A SYN that is never answered, without depending on how this machine's network treats unrouted addresses.
    vi.spyOn(Socket.prototype, 'connect').mockImplementation(function (this: Socket) {
      return this;
    });
    const started = Date.now();
    expect(await probeTcp('127.0.0.1', 22, { timeoutMs: 200 })).toEqual({
      result: 'timeout',
      detail: 'no answer within 0.2 s',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it.skipIf(process.platform !== 'linux')('turns other failures into an error result', async () => {
    // A link-local IPv6 address without a zone cannot be connected to (EINVAL).
    expect(await probeTcp('fe80::1', 22, { timeoutMs: 1000 })).toEqual({ result: 'error', detail: 'EINVAL' });
  });

  it('rejects when cancelled and leaves no socket behind', async () => {
    const before = tcpHandles();
    const controller = new AbortController();
    const port = await listen();
    const pending = probeTcp('127.0.0.1', port, { timeoutMs: 5000, signal: controller.signal });
    controller.abort(); // before the connection could complete
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(tcpHandles()).toBe(before);
    await expect(probeTcp('127.0.0.1', 1, { timeoutMs: 100, signal: controller.signal })).rejects.toThrow(
      /cancelled/,
    );
  });
});
