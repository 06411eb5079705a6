import { APP_ORIGIN } from '../app-origin.js';

export interface SenderInfo {
  webContentsId: number;
  isMainFrame: boolean;
  frameUrl: string | undefined;
}

/** Deny by default: only the main frame of a window we created, showing our own app:// origin, may call the core. */
export function isTrustedSender(sender: SenderInfo, knownWebContentsIds: ReadonlySet<number>): boolean {
  if (!knownWebContentsIds.has(sender.webContentsId) || !sender.isMainFrame || !sender.frameUrl) return false;
  try {
    return new URL(sender.frameUrl).origin === APP_ORIGIN || sender.frameUrl.startsWith(`${APP_ORIGIN}/`);
  } catch {
    return false;
  }
}
