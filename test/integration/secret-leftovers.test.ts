import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, open, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSdImage } from '../fixtures/sd-image.js';

/**
 * Provisioning killed in the middle, through the real CLI bundle: the partial image next to dest holds the host key
 * and the Wi-Fi password, so whatever ends the process, nothing of it may stay readable.
 */
const cli = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'companion.cjs');
const PSK = 'leftover-psk-0123456789';

let dir: string;
let fixture: string;
let pskFile: string;
let standIns: string;
let flakeDir: string;

interface Run {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A state file the stand-ins write, per test. */
const marks = (name: string) => ({ ready: join(dir, `${name}.ready`), pid: join(dir, `${name}.pid`) });

function companion(args: string[], home: string, name: string): Run {
  const child = spawn(process.execPath, [cli, ...args], {
    env: {
      ...process.env,
      COMPANION_HOME: home,
      PATH: `${standIns}:${process.env.PATH}`,
      TMPDIR: join(home, 'tmp'),
      STAND_IN_READY: marks(name).ready,
      STAND_IN_PID: marks(name).pid,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout!.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, stderr: () => stderr, exited };
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function isAlive(pid: number, group = false): boolean {
  try {
    process.kill(group ? -pid : pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A fresh data folder and output folder, with the stand-in's marks cleared. */
async function freshRun(name: string): Promise<{ home: string; out: string }> {
  const home = join(dir, name, 'home');
  const out = join(dir, name, 'out');
  await mkdir(join(home, 'tmp'), { recursive: true });
  await mkdir(out, { recursive: true });
  return { home, out };
}

/** Provisions into `out` until the stand-in e2fsck blocks in the check after the secrets went in. */
async function provisionUntilSecretsAreIn(name: string) {
  const { home, out } = await freshRun(name);
  const args = ['provision-image', 'pi', out, '--image', fixture, '--wifi-ssid', 'Home'];
  const run = companion([...args, '--wifi-psk-file', pskFile, '--wifi-country', 'DE'], home, name);
  await until(
    'the secrets to be in the image',
    () => existsSync(marks(name).ready) || run.child.exitCode !== null,
  );
  expect(run.child.exitCode, run.stderr()).toBeNull();
  const partials = (await readdir(out)).filter((f) => /\.partial-[0-9a-f]{8}$/.test(f));
  expect(partials).toHaveLength(1);
  const partial = join(out, partials[0]!);
  const bytes = await readFile(partial);
  expect(bytes.includes(PSK)).toBe(true); // what is at stake: the password is in there
  // Keeps the inode readable after the name goes, to see what the wipe left in it.
  const witness = await open(partial, 'r');
  const standIn = Number(await readFile(marks(name).pid, 'utf8'));
  return { home, out, run, partial, witness, size: bytes.length, standIn };
}

async function expectZeroedAndGone(partial: string, witness: Awaited<ReturnType<typeof open>>, size: number) {
  expect(existsSync(partial)).toBe(false);
  const left = Buffer.alloc(size);
  const { bytesRead } = await witness.read(left, 0, size, 0);
  await witness.close();
  expect(bytesRead).toBe(size);
  expect(left.every((byte) => byte === 0)).toBe(true);
}

async function journalFiles(home: string): Promise<string[]> {
  return (await readdir(join(home, 'secret-temps')).catch(() => [])).filter((f) => f.endsWith('.json'));
}

beforeAll(async () => {
  await stat(cli).catch(() => {
    throw new Error('dist/cli is missing: run `npm run build` (npm test does it).');
  });
  dir = await mkdtemp(join(tmpdir(), 'secret-leftovers-'));
  fixture = (await buildSdImage(join(dir, 'fixture'))).path;
  pskFile = join(dir, 'psk');
  await writeFile(pskFile, PSK);
  const e2fsck = spawnSync('sh', ['-c', 'PATH=$PATH:/usr/sbin:/sbin command -v e2fsck'])
    .stdout.toString()
    .trim();
  standIns = join(dir, 'bin');
  await mkdir(standIns);
  // The real e2fsck, except that the check after the injection (the second -fn) blocks once it has passed.
  await writeFile(
    join(standIns, 'e2fsck'),
    `#!/bin/sh
"${e2fsck}" "$@"; status=$?
case "$*" in *-fn*) ;; *) exit $status ;; esac
if [ -e "$STAND_IN_READY.first" ]; then echo $$ > "$STAND_IN_PID"; touch "$STAND_IN_READY"; exec sleep 600; fi
touch "$STAND_IN_READY.first"; exit $status
`,
  );
  // nix build as it looks from outside: a process group whose member ignores SIGTERM and outlives its leader.
  await writeFile(
    join(standIns, 'nix'),
    `#!/bin/sh
trap 'sleep 0.5; exit 143' TERM
(trap '' TERM INT HUP; exec sleep 600) </dev/null >/dev/null 2>&1 &
echo $! > "$STAND_IN_PID"; echo "building…" >&2; touch "$STAND_IN_READY"
wait
`,
  );
  await chmod(join(standIns, 'e2fsck'), 0o755);
  await chmod(join(standIns, 'nix'), 0o755);
  flakeDir = join(dir, 'flake');
  await mkdir(flakeDir);
  await writeFile(join(flakeDir, 'flake.nix'), '{ outputs = _: { }; }\n');
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('secrets left by a provisioning that was killed', () => {
  it('SIGKILL: the next start-up zeroes the partial image, removes it and clears the journal', async () => {
    const { home, run, partial, witness, size, standIn } = await provisionUntilSecretsAreIn('kill');
    expect(await journalFiles(home)).toHaveLength(1);
    run.child.kill('SIGKILL');
    expect(await run.exited).toMatchObject({ signal: 'SIGKILL' });
    process.kill(-standIn, 'SIGKILL'); // its own group: SIGKILL of the CLI cannot take it along
    expect(existsSync(partial)).toBe(true); // the leftover a crash leaves

    const sweep = companion(['tasks', '--json'], home, 'kill-sweep');
    const end = await sweep.exited;
    expect(end.code, sweep.stderr()).toBe(0);
    expect(sweep.stderr()).toContain(`note: wiped ${partial}, left with secrets in it`);
    await expectZeroedAndGone(partial, witness, size);
    expect(await journalFiles(home)).toEqual([]);
    expect(await readdir(join(home, 'tmp'))).toEqual([]); // no secrets folder left either
  });

  it.each(['SIGTERM', 'SIGHUP'] as const)(
    '%s: the process wipes the partial image and stops its tools before it dies of the signal',
    async (signal) => {
      const name = signal.toLowerCase();
      const { home, run, partial, witness, size, standIn } = await provisionUntilSecretsAreIn(name);
      run.child.kill(signal);
      expect(await run.exited).toMatchObject({ code: null, signal });
      await expectZeroedAndGone(partial, witness, size);
      expect(await journalFiles(home)).toEqual([]);
      await until('the stand-in e2fsck to be killed', () => !isAlive(standIn, true), 3000);
    },
  );
});

/** A journal of a dead run in `home`, listing `entries`, as provisioning writes it. */
async function deadRunJournal(home: string, entries: { path: string; kind: string }[]): Promise<string> {
  await mkdir(join(home, 'secret-temps'), { recursive: true, mode: 0o700 });
  const pid = spawnSync('true').pid!;
  const file = join(home, 'secret-temps', `${pid}-0badc0de.json`);
  await writeFile(file, JSON.stringify({ pid, bootId: null, entries }), { mode: 0o600 });
  return file;
}

const NOBODY = 65534;

describe('leftovers the start-up sweep must not trust (root run over a data folder another user controls)', () => {
  it('a journal another user owns: neither it nor what it lists is touched', async () => {
    const { home, out } = await freshRun('foreign-journal');
    const partial = join(out, 'pi.img.partial-0123abcd');
    await writeFile(partial, PSK);
    const journal = await deadRunJournal(home, [{ path: partial, kind: 'partial-image' }]);
    chownSync(journal, NOBODY, NOBODY);

    const sweep = companion(['tasks', '--json'], home, 'foreign-journal');
    expect((await sweep.exited).code, sweep.stderr()).toBe(0);
    expect(sweep.stderr()).not.toContain('wiped');
    expect(sweep.stderr()).toContain(`warning: left ${journal} alone`);
    expect(await readFile(partial, 'utf8')).toBe(PSK);
    expect(existsSync(journal)).toBe(true);
  });

  it('a secrets folder another user made where a dead run had one: left alone', async () => {
    const { home, out } = await freshRun('foreign-folder');
    const folder = join(out, 'companion-secret-AbC123');
    await mkdir(folder, { mode: 0o700 });
    await writeFile(join(folder, 'file-0'), PSK);
    chownSync(folder, NOBODY, NOBODY);
    const journal = await deadRunJournal(home, [{ path: folder, kind: 'secret-dir' }]);

    const sweep = companion(['tasks', '--json'], home, 'foreign-folder');
    expect((await sweep.exited).code, sweep.stderr()).toBe(0);
    expect(sweep.stderr()).not.toContain('wiped');
    expect(sweep.stderr()).toContain(`warning: left ${folder} alone`);
    expect(await readFile(join(folder, 'file-0'), 'utf8')).toBe(PSK);
    expect(existsSync(journal)).toBe(false); // nothing in it was ours to retry
  });
});

describe('a second Ctrl-C while a detached tool runs', () => {
  it('kills the tool’s whole process group before the CLI exits 130', async () => {
    const { home, out } = await freshRun('ctrl-c');
    const run = companion(['provision-image', 'pi', out, '--flake', flakeDir, '--no-wifi'], home, 'ctrl-c');
    await until('nix to start', () => existsSync(marks('ctrl-c').ready) || run.child.exitCode !== null);
    expect(run.child.exitCode, run.stderr()).toBeNull();
    const grandchild = Number(await readFile(marks('ctrl-c').pid, 'utf8'));
    expect(isAlive(grandchild)).toBe(true);
    try {
      run.child.kill('SIGINT');
      await until('"Cancelling…"', () => run.stderr().includes('Cancelling'));
      run.child.kill('SIGINT');
      const end = await run.exited;
      expect(end.code, run.stderr()).toBe(130);
      await until('the member that ignored SIGTERM to be killed', () => !isAlive(grandchild), 3000);
    } finally {
      if (isAlive(grandchild)) process.kill(grandchild, 'SIGKILL');
    }
  });
});
