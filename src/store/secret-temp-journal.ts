import { randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { mkdir, readFile, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { isSecretTempName, wipeSecretTemp, type SecretTempKind } from '../secrets/wipe-files.js';
import { writeFileAtomically } from './atomic-file.js';

const JournalFile = z.object({
  pid: z.number().int().positive(),
  bootId: z.string().nullable(),
  entries: z.array(z.object({ path: z.string(), kind: z.enum(['partial-image', 'secret-dir']) })),
});
type JournalFile = z.infer<typeof JournalFile>;
type Entry = JournalFile['entries'][number];

const JOURNAL_NAME = /^(\d+)-[0-9a-f]{8}\.json$/;

/** Linux names each boot; a journal from an earlier boot is dead whatever its pid says now. */
function currentBootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
  } catch {
    return null;
  }
}

/**
 * Where this process lists the secret temp files and folders it holds right now (`<dir>/<pid>-<random>.json`), so a
 * later run can wipe what a SIGKILL or power loss left, wherever it lies (a partial image sits next to its dest).
 * Written before the temp thing is created and emptied after it is gone: on disk it never misses one.
 */
export class SecretTempJournal {
  readonly file: string;
  private readonly entries = new Map<string, SecretTempKind>();
  private writes: Promise<void> = Promise.resolve();
  private readonly bootId = currentBootId();

  constructor(readonly dir: string) {
    this.file = join(dir, `${process.pid}-${randomBytes(4).toString('hex')}.json`);
  }

  async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
  }

  add(path: string, kind: SecretTempKind): Promise<void> {
    this.entries.set(path, kind);
    return this.save();
  }

  remove(path: string): Promise<void> {
    return this.entries.delete(path) ? this.save() : Promise.resolve();
  }

  /** At exit, once everything it lists has been wiped. */
  discardSync(): void {
    try {
      unlinkSync(this.file);
    } catch {
      // Not there (nothing was ever held) or not removable: the next sweep finds it dead and cleans it.
    }
  }

  private save(): Promise<void> {
    // Serialised, each write carries the whole current list, so the last one on disk is the latest state.
    const write = async () => {
      if (this.entries.size === 0) {
        await unlink(this.file).catch(() => undefined);
        return;
      }
      const entries = [...this.entries].map(([path, kind]) => ({ path, kind }));
      const body: JournalFile = { pid: process.pid, bootId: this.bootId, entries };
      await writeFileAtomically(this.file, `${JSON.stringify(body)}\n`);
    };
    this.writes = this.writes.then(write, write);
    return this.writes;
  }
}

export interface SweepReport {
  /** Leftovers zeroed and removed. */
  wiped: string[];
  /** Leftovers that could not be wiped; kept in their journal so the next start tries again. */
  failed: { path: string; error: string }[];
}

function isAlive(journal: JournalFile, ourBootId: string | null): boolean {
  if (journal.bootId && ourBootId && journal.bootId !== ourBootId) return false;
  // Our own pid on another journal is an earlier core of this very process (tests make several): hands off.
  if (journal.pid === process.pid) return true;
  try {
    process.kill(journal.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, just not ours to signal
  }
}

/**
 * Wipes (zeroes, then removes) what dead processes' journals list: only entries whose process is gone, and only
 * paths named as the app names that kind of temp (anything else in a journal is dropped untouched).
 */
export async function sweepSecretTemps(dir: string): Promise<SweepReport> {
  const report: SweepReport = { wiped: [], failed: [] };
  const names = await readdir(dir).catch(() => [] as string[]);
  const bootId = currentBootId();
  for (const name of names.filter((n) => JOURNAL_NAME.test(n))) {
    const file = join(dir, name);
    const parsed = JournalFile.safeParse(safeJson(await readFile(file, 'utf8').catch(() => '')));
    if (!parsed.success || isAlive(parsed.data, bootId)) continue;
    const kept: Entry[] = [];
    for (const entry of parsed.data.entries) {
      if (!isSecretTempName(entry.path, entry.kind)) continue;
      try {
        if (await wipeSecretTemp(entry.path, entry.kind)) report.wiped.push(entry.path);
      } catch (error) {
        kept.push(entry);
        report.failed.push({ path: entry.path, error: (error as Error).message });
      }
    }
    if (kept.length === 0) await unlink(file).catch(() => undefined);
    else await writeFileAtomically(file, `${JSON.stringify({ ...parsed.data, entries: kept })}\n`);
  }
  return report;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
