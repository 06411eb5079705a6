import { app, session, shell } from 'electron';

/**
 * Denies everything a page could use to escape: navigation, new windows, webviews, permission prompts (but clipboard writes).
 * External https links the UI shows (docs) open in the user's browser instead.
 */
export function lockDownWebContents(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (url.startsWith('https://')) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
  app.whenReady().then(() => {
    // Writing to the clipboard ("Copy output", fingerprints) is the one permission the UI needs.
    session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) =>
      callback(permission === 'clipboard-sanitized-write'),
    );
    session.defaultSession.setPermissionCheckHandler(
      (_contents, permission) => permission === 'clipboard-sanitized-write',
    );
  });
}
