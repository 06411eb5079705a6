import { contextBridge, ipcRenderer } from 'electron';
import { createCompanionApi } from '../src/contract/companion-api.js';
import type { CompanionEvent } from '../src/contract/events.js';
import { IPC_EVENT, IPC_INVOKE } from './ipc/ipc-channels.js';

// Verbs, not a channel pipe: the page gets `companion.<group>.<verb>()` and nothing of ipcRenderer.
contextBridge.exposeInMainWorld(
  'companion',
  createCompanionApi({
    invoke: (channel, request) => ipcRenderer.invoke(IPC_INVOKE, channel, request),
    subscribe(listener) {
      const forward = (_event: unknown, payload: CompanionEvent) => listener(payload);
      ipcRenderer.on(IPC_EVENT, forward);
      return () => {
        ipcRenderer.off(IPC_EVENT, forward);
      };
    },
  }),
);
