import { randomBytes } from 'node:crypto';
import { constants, readFileSync, unlinkSync } from 'node:fs';
import { lstat, mkdir, open, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import {
  isSecretTempName,
  notOursAlone,
  type SecretTempKind,
  UntrustedSecretTempError,
  wipeSecretTemp,
} from '../secrets/index.js';
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
  /** Journals (or their folder), and leftovers they list, that are not this user's alone: left untouched. */
  skipped: { path: string; reason: string }[];
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
 * A journal's text, read only from a regular file this user owns and nobody else can write (checked on the open
 * descriptor, never through a link): run as root over a user's data folder, the sweep must not wipe what the user
 * lists. `text: ''` when it is unreadable or gone, which the caller drops like any journal that does not parse.
 */
async function readOwnJournal(file: string): Promise<{ text: string } | { reason: string }> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(
    (error: unknown) => (error as NodeJS.ErrnoException).code,
  );
  if (handle === 'ELOOP') return { reason: 'a symbolic link' };
  if (typeof handle !== 'object') return { text: '' };
  try {
    const info = await handle.stat();
    const problem = info.isFile() ? notOursAlone(info) : 'not a regular file';
    return problem ? { reason: problem } : { text: await handle.readFile('utf8') };
  } finally {
    await handle.close();
  }
}

/** Why the journal folder is not ours alone to trust, or null; a missing one has nothing to sweep. */
async function folderProblem(dir: string): Promise<string | null> {
  const info = await lstat(dir);
  return info.isDirectory() ? notOursAlone(info) : 'not a directory';
}

/**
 * Wipes (zeroes, then removes) what dead processes' journals list: only entries whose process is gone, and only
 * paths named as the app names that kind of temp (anything else in a journal is dropped untouched). A journal, or a
 * leftover, that is not this user's alone is left as it is and reported as skipped.
 */
export async function sweepSecretTemps(dir: string): Promise<SweepReport> {
  const report: SweepReport = { wiped: [], failed: [], skipped: [] };
  const problem = await folderProblem(dir).catch(() => null);
  if (problem) {
    report.skipped.push({ path: dir, reason: problem });
    return report;
  }
  const names = await readdir(dir).catch(() => [] as string[]);
  const bootId = currentBootId();
  for (const name of names.filter((n) => JOURNAL_NAME.test(n))) {
    const file = join(dir, name);
    const read = await readOwnJournal(file);
    if ('reason' in read) {
      report.skipped.push({ path: file, reason: read.reason });
      continue;
    }
    const parsed = JournalFile.safeParse(safeJson(read.text));
    if (!parsed.success || isAlive(parsed.data, bootId)) continue;
    const kept: Entry[] = [];
    for (const entry of parsed.data.entries) {
      if (!isSecretTempName(entry.path, entry.kind)) continue;
      try {
        if (await wipeSecretTemp(entry.path, entry.kind)) report.wiped.push(entry.path);
      } catch (error) {
        // Not ours: dropped from the journal, since trying again would find the same.
        if (error instanceof UntrustedSecretTempError) {
          report.skipped.push({ path: error.path, reason: error.reason });
          continue;
        }
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
