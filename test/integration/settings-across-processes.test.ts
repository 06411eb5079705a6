import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Settings } from '../../src/contract/index.js';
import { SettingsStore } from '../../src/store/settings-store.js';

/** Two real node processes, each with its own copy of the settings (the app and a CLI run), writing at once. */
let dir: string;
let writer: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'settings-procs-'));
  writer = join(dir, 'settings-writer.cjs');
  await build({
    entryPoints: [join(import.meta.dirname, '..', 'fixtures', 'settings-writer.ts')],
    outfile: writer,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
  });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function startWriter(
  dataDir: string,
  prefix: string,
  count: number,
  mode: 'save' | 'provision' | 'hold-lock',
) {
  const child = spawn(process.execPath, [writer, dataDir, prefix, String(count), mode], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ready = new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stderr })),
  );
  return { child, ready, exited };
}

function go(child: ChildProcess): void {
  child.stdin!.end('go\n');
}

describe('settings written by two processes at once', () => {
  it('keeps every host and setting each process changed, round after round', async () => {
    const rounds = 5;
    const count = 20;
    for (let round = 0; round < rounds; round++) {
      const dataDir = join(dir, `round-${round}`);
      const app = startWriter(dataDir, 'app', count, 'save');
      const cli = startWriter(dataDir, 'cli', count, 'provision');
      await Promise.all([app.ready, cli.ready]);
      go(app.child);
      go(cli.child);
      const [appEnd, cliEnd] = await Promise.all([app.exited, cli.exited]);
      expect(appEnd.code, appEnd.stderr).toBe(0);
      expect(cliEnd.code, cliEnd.stderr).toBe(0);

      const settings = Settings.parse(JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8')));
      const names = settings.hosts.map((h) => h.name).sort();
      const expected = [
        ...Array.from({ length: count }, (_, i) => `app-${i}`),
        ...Array.from({ length: count }, (_, i) => `cli-${i}`),
      ].sort();
      expect(names, `round ${round}`).toEqual(expected);
      for (const host of settings.hosts.filter((h) => h.name.startsWith('cli-'))) {
        expect(host.pinnedHostKey?.fingerprint, `round ${round}`).toBe(`SHA256:${host.name}`);
        expect(host.lastProvision?.image).toBe(`/images/${host.name}.img`);
      }
      // Each process's last change of its own top-level setting is what stands.
      expect(settings.terminalFontSize).toBe(8 + ((count - 1) % 20));
      expect(settings.theme).toBe((count - 1) % 2 ? 'dark' : 'light');
    }
  }, 120_000);

  it('takes over the lock of a writer that was killed while holding it', async () => {
    const dataDir = join(dir, 'crashed');
    const holder = startWriter(dataDir, 'x', 0, 'hold-lock');
    await holder.ready;
    const store = new SettingsStore(dataDir, { lockStaleMs: 2000 });
    let done = false;
    const blocked = store.update({ theme: 'dark' }).then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(done).toBe(false); // a live holder's lock is respected
    holder.child.kill('SIGKILL');
    await holder.exited;
    const killedAt = Date.now();
    await blocked;
    expect(Date.now() - killedAt).toBeLessThan(5000); // a dead one's goes stale and is taken over
    expect((await new SettingsStore(dataDir).load()).settings.theme).toBe('dark');
  });
});
