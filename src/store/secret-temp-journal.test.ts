import { spawn, spawnSync } from 'node:child_process';
import { existsSync, linkSync, readFileSync, symlinkSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
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
    await mkdir(folder);
    await writeFile(join(folder, 'file-0'), SECRET);
    linkSync(join(folder, 'file-0'), witness);
    const journal = await journalOf(deadPid(), [
      { path: partial, kind: 'partial-image' },
      { path: folder, kind: 'secret-dir' },
    ]);

    const report = await sweepSecretTemps(journalDir);
    expect(report).toEqual({ wiped: [partial, folder], failed: [] });
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
      expect(await sweepSecretTemps(journalDir)).toEqual({ wiped: [], failed: [] });
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
    expect(await sweepSecretTemps(journalDir)).toEqual({ wiped: [], failed: [] });
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
