import { normalize, resolve, sep } from 'node:path';

/** The renderer is served from this privileged custom scheme, never file:// (which would expose the whole disk). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'companion';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** Maps an app:// URL to a file inside the renderer bundle, or null for anything outside it (traversal, other host). */
export function resolveAppAsset(rendererDir: string, url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return null;
  const relative = decodeURIComponent(parsed.pathname).replace(/^\/+/, '') || 'index.html';
  if (relative.includes('\0')) return null;
  const root = resolve(rendererDir);
  const file = resolve(root, normalize(relative));
  return file.startsWith(root + sep) ? file : null;
}
