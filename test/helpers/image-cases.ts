import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';

export const MIB = 1024 * 1024;

/**
 * One temp folder for the test file, made before its tests and removed after them (call at the top level), and a
 * fresh subfolder per fixture inside it, so file names never clash.
 */
export function imageCaseFolders(prefix: string): { fresh: () => Promise<string> } {
  let dir = '';
  let counter = 0;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), prefix));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  return { fresh: async () => mkdtemp(path.join(dir, `case-${++counter}-`)) };
}
