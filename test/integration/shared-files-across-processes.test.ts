import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskSnapshot } from '../../src/contract/index.js';

/** The app and a `companion` run share known_hosts and the task history: two real processes write them at once. */
let dir: string;
let writer: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shared-files-'));
  writer = join(dir, 'shared-file-writer.cjs');
  await build({
    entryPoints: [join(import.meta.dirname, '..', 'fixtures', 'shared-file-writer.ts')],
    outfile: writer,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['keytar', 'node-pty', 'ssh2', 'cpu-features'],
    logLevel: 'warning',
  });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function startWriter(dataDir: string, prefix: string, count: number, mode: 'pin' | 'tasks') {
  const child = spawn(process.execPath, [writer, dataDir, prefix, String(count), mode], { stdio: 'pipe' });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ready = new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stderr })),
  );
  return { child, ready, exited };
}

/** Runs two writers in lockstep and checks both exited cleanly. */
async function runPair(dataDir: string, count: number, mode: 'pin' | 'tasks'): Promise<void> {
  const a = startWriter(dataDir, 'app', count, mode);
  const b = startWriter(dataDir, 'cli', count, mode);
  await Promise.all([a.ready, b.ready]);
  a.child.stdin.end('go\n');
  b.child.stdin.end('go\n');
  for (const end of await Promise.all([a.exited, b.exited])) expect(end.code, end.stderr).toBe(0);
}

const expectedNames = (count: number) =>
  ['app', 'cli'].flatMap((prefix) => Array.from({ length: count }, (_, i) => `${prefix}-${i}`)).sort();

describe('files two processes write at once', () => {
  it('known_hosts keeps every host either process pinned, round after round', async () => {
    for (let round = 0; round < 4; round++) {
      const dataDir = join(dir, `pins-${round}`);
      await runPair(dataDir, 15, 'pin');
      const lines = (await readFile(join(dataDir, 'known_hosts'), 'utf8')).trim().split('\n');
      expect(lines.map((line) => line.split(' ')[0]).sort(), `round ${round}`).toEqual(expectedNames(15));
    }
  });

  it('the task history keeps every run of both processes, each in its final state', async () => {
    for (let round = 0; round < 4; round++) {
      const dataDir = join(dir, `tasks-${round}`);
      await runPair(dataDir, 15, 'tasks');
      const raw = await readFile(join(dataDir, 'tasks', 'history.json'), 'utf8');
      const history = TaskSnapshot.array().parse(JSON.parse(raw));
      expect(history.map((task) => task.title).sort(), `round ${round}`).toEqual(expectedNames(15));
      expect(new Set(history.map((task) => task.state))).toEqual(new Set(['succeeded']));
    }
  });
});
