import { createCompanionApi, type CompanionEvent, type Result } from '../../src/contract/index.js';

/**
 * Runs in the page before the renderer (Playwright init script) and provides `window.companion` over the bridge's
 * WebSocket — the same verb object preload builds over Electron IPC.
 */
declare global {
  interface Window {
    __COMPANION_BRIDGE__?: { url: string; token: string };
  }
}

const config = window.__COMPANION_BRIDGE__;
if (config) {
  const ws = new WebSocket(`${config.url}?token=${config.token}`);
  const opened = new Promise<void>((resolve) => ws.addEventListener('open', () => resolve(), { once: true }));
  const pending = new Map<number, (result: Result<unknown>) => void>();
  const listeners = new Set<(event: CompanionEvent) => void>();
  let nextId = 1;
  ws.addEventListener('message', (message) => {
    const data = JSON.parse(String(message.data)) as {
      id?: number;
      result?: Result<unknown>;
      event?: CompanionEvent;
    };
    if (data.event) for (const listener of listeners) listener(data.event);
    else if (data.id !== undefined && data.result) pending.get(data.id)?.(data.result);
  });
  window.companion = createCompanionApi({
    async invoke(channel, request) {
      await opened;
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, (result) => {
          pending.delete(id);
          resolve(result);
        });
        ws.send(JSON.stringify({ id, channel, request }));
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  });
}
