import { chmodSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as NodePty from 'node-pty';

/** A running pseudo-terminal, as much of node-pty's `IPty` as the service needs. */
export interface PtyProcess {
  readonly pid: number;
  onData(listener: (data: string) => void): void;
  onExit(listener: (exit: { exitCode: number; signal?: number }) => void): void;
  write(data: string): void;
  resize(cols: number, rows: number): void;
  kill(signal?: string): void;
}

export interface PtySpawnOptions {
  cwd: string;
  env: Record<string, string>;
  cols: number;
  rows: number;
}

/** Starts pseudo-terminals; node-pty in the app, a fake in unit tests. */
export interface PtySpawner {
  spawn(file: string, args: string[], options: PtySpawnOptions): PtyProcess;
}

let spawnHelperChecked = false;

/** node-pty, required on first use so a broken native module fails one start, not the app's import. */
export const nodePtySpawner: PtySpawner = {
  spawn(file, args, options) {
    if (process.platform === 'darwin' && !spawnHelperChecked) {
      spawnHelperChecked = true;
      ensureSpawnHelperExecutable();
    }
    const pty = createRequire(import.meta.url)('node-pty') as typeof NodePty;
    const proc = pty.spawn(file, args, { name: 'xterm-256color', ...options });
    return {
      pid: proc.pid,
      onData: (listener) => void proc.onData(listener),
      onExit: (listener) => void proc.onExit(listener),
      write: (data) => proc.write(data),
      resize: (cols, rows) => proc.resize(cols, rows),
      kill: (signal) => proc.kill(signal),
    };
  },
};

/**
 * Makes node-pty's macOS `spawn-helper` executable: some installs drop its exec bit and every spawn then fails with
 * `posix_spawnp failed` (https://github.com/microsoft/node-pty/issues/850, fixed after 1.1.0). Returns the files it fixed.
 */
export function ensureSpawnHelperExecutable(packageDir = nodePtyPackageDir()): string[] {
  const fixed: string[] = [];
  if (!packageDir) return fixed;
  const unpacked = packageDir.replace('app.asar', 'app.asar.unpacked');
  for (const dir of ['build/Release', 'build/Debug', 'prebuilds/darwin-arm64', 'prebuilds/darwin-x64']) {
    const helper = join(unpacked, dir, 'spawn-helper');
    try {
      if ((statSync(helper).mode & 0o111) === 0o111) continue;
      chmodSync(helper, 0o755);
      fixed.push(helper);
    } catch {
      // Absent, or a read-only signed bundle: then packaging must have set the bit, and spawn reports it if not.
    }
  }
  return fixed;
}

function nodePtyPackageDir(): string | null {
  try {
    return dirname(createRequire(import.meta.url).resolve('node-pty/package.json'));
  } catch {
    return null;
  }
}
