import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, linkSync, readFileSync, symlinkSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecretTempJournal, sweepSecretTemps } from './secret-temp-journal.js';

let dir: string;
let journalDir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'journal-'));
  journalDir = join(dir, 'secret-temps');
  await mkdir(journalDir);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const SECRET = Buffer.from('WIFI_PSK="hunter2 hunter2"\n'.repeat(1000));

/** A pid that existed and is gone now. */
function deadPid(): number {
  return spawnSync('true').pid!;
}

async function journalOf(
  pid: number,
  entries: { path: string; kind: string }[],
  bootId: string | null = null,
) {
  const file = join(journalDir, `${pid}-0badc0de.json`);
  await writeFile(file, JSON.stringify({ pid, bootId, entries }));
  return file;
}

describe('sweepSecretTemps', () => {
  it("zeroes, then removes, a dead process's partial image and secrets folder, and drops its journal", async () => {
    const partial = join(dir, 'pi.img.partial-0123abcd');
    await writeFile(partial, SECRET);
    const witness = join(dir, 'witness'); // a second name would keep the data: see what the wipe left in the inode
    const folder = join(dir, 'companion-secret-AbC123');
    await mkdir(folder, { mode: 0o700 }); // as withSecureTempDir makes it
    await writeFile(join(folder, 'file-0'), SECRET);
    linkSync(join(folder, 'file-0'), witness);
    const journal = await journalOf(deadPid(), [
      { path: partial, kind: 'partial-image' },
      { path: folder, kind: 'secret-dir' },
    ]);

    const report = await sweepSecretTemps(journalDir);
    expect(report).toEqual({ wiped: [partial, folder], failed: [], skipped: [] });
    expect(existsSync(partial) || existsSync(folder) || existsSync(journal)).toBe(false);
    const left = readFileSync(witness);
    expect(left.length).toBe(SECRET.length);
    expect(left.every((byte) => byte === 0)).toBe(true);
  });

  it('leaves a live process alone', async () => {
    const sleeper = spawn('sleep', ['30']);
    try {
      const partial = join(dir, 'pi.img.partial-0123abcd');
      await writeFile(partial, SECRET);
      const journal = await journalOf(sleeper.pid!, [{ path: partial, kind: 'partial-image' }]);
      expect(await sweepSecretTemps(journalDir)).toEqual({ wiped: [], failed: [], skipped: [] });
      expect(readFileSync(partial).equals(SECRET)).toBe(true);
      expect(existsSync(journal)).toBe(true);
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it.runIf(existsSync('/proc/sys/kernel/random/boot_id'))(
    'treats a journal from an earlier boot as dead',
    async () => {
      const partial = join(dir, 'pi.img.partial-0123abcd');
      await writeFile(partial, SECRET);
      await journalOf(process.ppid, [{ path: partial, kind: 'partial-image' }], 'another-boot');
      expect((await sweepSecretTemps(journalDir)).wiped).toEqual([partial]);
    },
  );

  it('touches nothing not named as the app names its temps, nor through a symlink', async () => {
    const precious = join(dir, 'pi.img');
    await writeFile(precious, SECRET);
    const planted = join(dir, 'other.img.partial-0123abcd');
    symlinkSync(precious, planted);
    const journal = await journalOf(deadPid(), [
      { path: precious, kind: 'partial-image' },
      { path: join(dir, 'notes'), kind: 'secret-dir' },
      { path: 'relative.img.partial-0123abcd', kind: 'partial-image' },
      { path: planted, kind: 'partial-image' },
    ]);
    expect(await sweepSecretTemps(journalDir)).toEqual({ wiped: [], failed: [], skipped: [] });
    expect(readFileSync(precious).equals(SECRET)).toBe(true);
    expect(existsSync(journal)).toBe(false);
  });

  it('only unlinks a partial image that already has its final name (killed between link and unlink)', async () => {
    const dest = join(dir, 'pi.img');
    const partial = `${dest}.partial-0123abcd`;
    await writeFile(partial, SECRET);
    linkSync(partial, dest);
    await journalOf(deadPid(), [{ path: partial, kind: 'partial-image' }]);
    expect((await sweepSecretTemps(journalDir)).wiped).toEqual([partial]);
    expect(existsSync(partial)).toBe(false);
    expect(readFileSync(dest).equals(SECRET)).toBe(true);
  });
});

const NOBODY = 65534;

describe("sweepSecretTemps: only what is this user's alone", () => {
  it.each([
    ['owned by another user', (file: string) => chownSync(file, NOBODY, NOBODY)],
    ['writable by others', (file: string) => chmodSync(file, 0o646)],
    ['that is a symlink', (file: string) => linkedAway(file)],
  ])('a journal %s: neither it nor the partial image it lists is touched', async (_, spoil) => {
    const partial = join(dir, 'pi.img.partial-0123abcd');
    await writeFile(partial, SECRET);
    const journal = await journalOf(deadPid(), [{ path: partial, kind: 'partial-image' }]);
    spoil(journal);
    const report = await sweepSecretTemps(journalDir);
    expect(report).toMatchObject({ wiped: [], failed: [], skipped: [{ path: journal }] });
    expect(readFileSync(partial).equals(SECRET)).toBe(true);
    expect(existsSync(journal)).toBe(true);
  });

  it('reads no journal in a folder owned by another user', async () => {
    const partial = join(dir, 'pi.img.partial-0123abcd');
    await writeFile(partial, SECRET);
    const journal = await journalOf(deadPid(), [{ path: partial, kind: 'partial-image' }]);
    chownSync(journalDir, NOBODY, NOBODY);
    const report = await sweepSecretTemps(journalDir);
    expect(report.skipped).toEqual([{ path: journalDir, reason: expect.stringContaining(`uid ${NOBODY}`) }]);
    expect(report.wiped).toEqual([]);
    expect(readFileSync(partial).equals(SECRET)).toBe(true);
    expect(existsSync(journal)).toBe(true);
  });

  it.each([
    ['owned by another user', (folder: string) => chownSync(folder, NOBODY, NOBODY)],
    ['mode 0755', (folder: string) => chmodSync(folder, 0o755)],
    ['in a folder another user owns', (folder: string) => chownSync(join(folder, '..'), NOBODY, NOBODY)],
    ['in a folder others can write (not sticky)', (folder: string) => chmodSync(join(folder, '..'), 0o777)],
  ])('leaves a secrets folder %s alone', async (_, spoil) => {
    await mkdir(join(dir, 'parent'));
    const folder = join(dir, 'parent', 'companion-secret-AbC123');
    await mkdir(folder, { mode: 0o700 });
    await writeFile(join(folder, 'file-0'), SECRET);
    spoil(folder);
    await journalOf(deadPid(), [{ path: folder, kind: 'secret-dir' }]);
    const report = await sweepSecretTemps(journalDir);
    expect(report).toMatchObject({ wiped: [], failed: [], skipped: [{ path: folder }] });
    expect(readFileSync(join(folder, 'file-0')).equals(SECRET)).toBe(true);
  });

  it('wipes a secrets folder in a sticky folder others can write (like /tmp)', async () => {
    const sticky = join(dir, 'sticky');
    await mkdir(sticky);
    chmodSync(sticky, 0o1777);
    const folder = join(sticky, 'companion-secret-AbC123');
    await mkdir(folder, { mode: 0o700 });
    await writeFile(join(folder, 'file-0'), SECRET);
    await journalOf(deadPid(), [{ path: folder, kind: 'secret-dir' }]);
    expect(await sweepSecretTemps(journalDir)).toEqual({ wiped: [folder], failed: [], skipped: [] });
    expect(existsSync(folder)).toBe(false);
  });

  it('neither zeroes nor removes a partial image owned by another user', async () => {
    const partial = join(dir, 'pi.img.partial-0123abcd');
    await writeFile(partial, SECRET);
    chownSync(partial, NOBODY, NOBODY);
    await journalOf(deadPid(), [{ path: partial, kind: 'partial-image' }]);
    const report = await sweepSecretTemps(journalDir);
    expect(report).toMatchObject({ wiped: [], failed: [], skipped: [{ path: partial }] });
    expect(readFileSync(partial).equals(SECRET)).toBe(true);
  });
});

/** Moves `file` aside and leaves a symlink to it at its name. */
function linkedAway(file: string): void {
  const real = `${file}.real`;
  linkSync(file, real);
  rmSync(file);
  symlinkSync(real, file);
}

describe('SecretTempJournal', () => {
  it('lists what it holds on disk, and removes its file once it holds nothing', async () => {
    const journal = new SecretTempJournal(journalDir);
    await journal.open();
    await journal.add('/x/a.img.partial-00000000', 'partial-image');
    await journal.add('/tmp/companion-secret-aaaaaa', 'secret-dir');
    await journal.remove('/x/a.img.partial-00000000');
    expect(JSON.parse(readFileSync(journal.file, 'utf8'))).toMatchObject({
      pid: process.pid,
      entries: [{ path: '/tmp/companion-secret-aaaaaa', kind: 'secret-dir' }],
    });
    await journal.remove('/tmp/companion-secret-aaaaaa');
    expect(await readdir(journalDir)).toEqual([]);
  });
});
