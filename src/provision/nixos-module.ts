import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resourcesDir } from '../store/index.js';

export const NIXOS_MODULE_FILE = join('nixos', 'pi-bootstrap.nix');

/** The NixOS module that consumes the injected files, for the user to copy into their flake. */
export async function readNixosModule(): Promise<{ path: string; text: string }> {
  const path = join(resourcesDir(), NIXOS_MODULE_FILE);
  return { path, text: await readFile(path, 'utf8') };
}
