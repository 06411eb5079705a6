import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import type { Router } from '../../src/api/router.js';
import type { EventHub } from '../../src/event-hub.js';
import { IPC_EVENT, IPC_INVOKE } from './ipc-channels.js';
import { isTrustedSender } from './sender-check.js';

const trusted = new Set<number>();

/** Adapts the core's router to ipcMain; the only module that touches ipcMain. */
export function mountRouter(router: Router, events: EventHub): void {
  ipcMain.handle(IPC_INVOKE, async (event: IpcMainInvokeEvent, channel: unknown, request: unknown) => {
    const frame = event.senderFrame;
    const sender = {
      webContentsId: event.sender.id,
      isMainFrame: frame !== null && frame === event.sender.mainFrame,
      frameUrl: frame?.url,
    };
    if (!isTrustedSender(sender, trusted)) {
      return {
        ok: false,
        error: {
          code: 'forbidden',
          message: 'This page may not use the app.',
          hint: 'Reload the main window.',
        },
      };
    }
    return router.invoke(channel, request);
  });
  events.subscribe((event) => {
    for (const id of trusted) {
      const contents = webContentsById.get(id);
      if (contents && !contents.isDestroyed()) contents.send(IPC_EVENT, event);
    }
  });
}

const webContentsById = new Map<number, WebContents>();

/** Registers a window's contents as allowed to call the core and to receive events. */
export function trustWebContents(contents: WebContents): void {
  trusted.add(contents.id);
  webContentsById.set(contents.id, contents);
  contents.once('destroyed', () => {
    trusted.delete(contents.id);
    webContentsById.delete(contents.id);
  });
}
