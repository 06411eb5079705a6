import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const APP_ID = 'dev.homelab.pi-backup-companion';
export const APP_DIR_NAME = 'pi-backup-companion';

/**
 * The app-data folder, the same one Electron's `app.getPath('userData')` uses, so the CLI and the app share settings
 * and task history. `COMPANION_HOME` overrides it (tests, portable installs).
 */
export function appDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.COMPANION_HOME) return env.COMPANION_HOME;
  const home = env.HOME || homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_DIR_NAME);
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), APP_DIR_NAME);
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), APP_DIR_NAME);
}

/**
 * Where the shipped resources are: `COMPANION_RESOURCES` in a packaged app (main sets it to Electron's resources
 * folder); else two levels up from this module, which is the repo's `resources/` from src/store/ and from the
 * dist/main and dist/cli bundles alike.
 */
export function resourcesDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.COMPANION_RESOURCES ?? fileURLToPath(new URL('../../resources/', import.meta.url));
}
