import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { CONTENT_SECURITY_POLICY } from '../../main/csp.js';
import { resolveAppAsset } from '../../main/app-origin.js';
import { createCore, type Core, type CoreOptions } from '../../src/core.js';

/**
 * The E2E stand-in for Electron's main process: serves the production renderer bundle and mounts the very same
 * router over the real core on a loopback WebSocket guarded by a random token. Test-only; never shipped.
 */
export interface Bridge {
  url: string;
  token: string;
  core: Core;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export async function startBridge(options: CoreOptions & { rendererDir: string }): Promise<Bridge> {
  const core = await createCore(options);
  const token = randomBytes(24).toString('hex');
  const server = createServer(async (request, response) => {
    // Reuse main's resolver by mapping http://127.0.0.1:port/x onto app://companion/x.
    const file = resolveAppAsset(options.rendererDir, `app://companion${request.url ?? '/'}`);
    const body = file ? await readFile(file).catch(() => null) : null;
    if (!file || !body) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, {
      'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    });
    response.end(body);
  });
  const sockets = new WebSocketServer({ noServer: true });
  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/bridge' || url.searchParams.get('token') !== token) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => serve(ws, core));
  });
  await listen(server);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/index.html`,
    token,
    core,
    async close() {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await core.dispose();
    },
  };
}

function serve(ws: WebSocket, core: Core): void {
  const unsubscribe = core.events.subscribe((event) => ws.send(JSON.stringify({ event })));
  ws.on('close', unsubscribe);
  ws.on('error', unsubscribe);
  ws.on('message', async (data) => {
    let message: { id?: unknown; channel?: unknown; request?: unknown };
    try {
      message = JSON.parse(String(data));
    } catch {
      return;
    }
    const result = await core.router.invoke(message.channel, message.request);
    ws.send(JSON.stringify({ id: message.id, result }));
  });
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
}

export const defaultRendererDir = join(import.meta.dirname, '..', '..', 'dist', 'renderer');
