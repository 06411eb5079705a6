// The built CLI run as users script provision-image, in a throwaway COMPANION_HOME with a host key and a PSK file.
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'cli', 'companion.cjs');
export const sopsFixtures = join(root, 'test', 'fixtures', 'sops');
export const PSK = 'correct "horse" \\ battery $staple';

export interface ProvisionWorkspace {
  dir: string;
  home: string;
  hostKeyFile: string;
  pskFile: string;
}

export async function makeProvisionWorkspace(): Promise<ProvisionWorkspace> {
  await stat(cli).catch(() => {
    throw new Error('dist/cli is missing: run `npm run build` (npm test does it).');
  });
  const dir = await mkdtemp(join(tmpdir(), 'provision-it-'));
  const home = join(dir, 'home');
  await mkdir(home);
  const hostKeyFile = join(dir, 'host_key');
  spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'root@pi', '-f', hostKeyFile]);
  const pskFile = join(dir, 'psk');
  await writeFile(pskFile, `${PSK}\n`, { mode: 0o600 });
  return { dir, home, hostKeyFile, pskFile };
}

export function runCompanion(home: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { ...process.env, COMPANION_HOME: home, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export async function makeOutputDir(dir: string, name: string): Promise<string> {
  const out = join(dir, name);
  await mkdir(out);
  return out;
}

export function fingerprintOf(pubFile: string): string {
  return spawnSync('ssh-keygen', ['-lf', pubFile]).stdout.toString().split(' ')[1]!;
}
