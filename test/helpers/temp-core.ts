import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core, type CoreOptions } from '../../src/core.js';
import { MemoryKeychain } from './memory-keychain.js';

export interface TempCore {
  /** The temp folder: the core's data folder is `data/` inside it, the rest is the test's. */
  dir: string;
  dataDir: string;
  core: Core;
  /** Disposes the core, then removes the whole temp folder. */
  dispose(): Promise<void>;
}

/** A core over a fresh temp folder and an in-memory keychain, so no test touches the user's data or keychain. */
export async function tempCore(
  prefix: string,
  options: Omit<CoreOptions, 'dataDir'> = {},
): Promise<TempCore> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const dataDir = join(dir, 'data');
  try {
    const core = await createCore({ keychain: new MemoryKeychain(), ...options, dataDir });
    const dispose = async () => {
      try {
        await core.dispose();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    };
    return { dir, dataDir, core, dispose };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
