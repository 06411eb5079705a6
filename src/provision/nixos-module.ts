import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the shipped resources are: `COMPANION_RESOURCES` in a packaged app (main sets it to Electron's resources
 * folder); else two levels up from this module, which is the repo's `resources/` from src/provision/ and from the
 * dist/main and dist/cli bundles alike.
 */
export function resourcesDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.COMPANION_RESOURCES ?? fileURLToPath(new URL('../../resources/', import.meta.url));
}

export const NIXOS_MODULE_FILE = join('nixos', 'pi-bootstrap.nix');

/** The NixOS module that consumes the injected files, for the user to copy into their flake. */
export async function readNixosModule(): Promise<{ path: string; text: string }> {
  const path = join(resourcesDir(), NIXOS_MODULE_FILE);
  return { path, text: await readFile(path, 'utf8') };
}
