import { onExit } from 'signal-exit';
import { CompanionError } from '../errors.js';
import { type SecretTempKind, wipeSecretTemp, wipeSecretTempSync } from '../secrets/index.js';
import type { SecretTempJournal } from '../store/index.js';

/**
 * What this process must not leave behind however it ends: secret temp files and folders, and the process groups it
 * started `detached` (which no terminal Ctrl-C reaches). Cleaned up on exit and on SIGTERM, SIGHUP and an unhandled
 * SIGINT (signal-exit then re-raises the signal, so the exit status is the conventional one); SIGKILL and power loss
 * are left to the journal, which the next start-up sweeps.
 */
const heldSecrets = new Map<string, { kind: SecretTempKind; journal: SecretTempJournal | null }>();
const processGroups = new Set<number>();
let journal: SecretTempJournal | null = null;
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  onExit(cleanUpNow);
}

function cleanUpNow(): void {
  // Groups first: a decompressor or debugfs still writing into a partial image would undo the zeros.
  for (const pgid of processGroups) {
    try {
      // SIGKILL: nothing runs after this hook to send it later, and a group that outlives us is what we prevent.
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  let allWiped = true;
  const journals = new Set<SecretTempJournal>();
  for (const [path, held] of heldSecrets) {
    try {
      wipeSecretTempSync(path, held.kind);
      if (held.journal) journals.add(held.journal);
    } catch {
      allWiped = false; // the journal keeps the entry; the next start-up tries again
    }
  }
  if (allWiped) for (const held of journals) held.discardSync();
}

/** Where holdSecretTemp lists what it holds (the app data folder's journal); null: in memory only. */
export function useSecretTempJournal(next: SecretTempJournal | null): void {
  journal = next;
  install();
}

/** The journal holdSecretTemp writes to now, so a core can let go of its own on dispose. */
export function currentSecretTempJournal(): SecretTempJournal | null {
  return journal;
}

/**
 * Registers `path` (not created yet, or just created) as holding secrets until the returned function is called;
 * that function wipes whatever is still at the path (zeroes, then unlinks) and unregisters it. Call it in `finally`.
 */
export async function holdSecretTemp(
  path: string,
  kind: SecretTempKind,
): Promise<(options?: { holdsSecrets?: boolean }) => Promise<void>> {
  install();
  const held = { kind, journal };
  heldSecrets.set(path, held);
  try {
    await held.journal?.add(path, kind);
  } catch (error) {
    heldSecrets.delete(path);
    throw error;
  }
  let released = false;
  return async ({ holdsSecrets = true }: { holdsSecrets?: boolean } = {}) => {
    if (released) return;
    released = true;
    await wipeSecretTemp(path, kind, holdsSecrets).catch((error: unknown) => {
      throw new CompanionError(
        'secret-temp-wipe-failed',
        `Could not wipe the temporary ${kind === 'secret-dir' ? 'secrets folder' : 'image'} ${path}: ${(error as Error).message}`,
        'Delete it yourself: it may still hold the host key or the Wi-Fi password.',
        { cause: error },
      );
    });
    heldSecrets.delete(path);
    await held.journal?.remove(path);
  };
}

/** Marks a detached child's process group as ours to kill if we exit first; the result forgets it again. */
export function trackProcessGroup(pgid: number): () => void {
  install();
  processGroups.add(pgid);
  return () => processGroups.delete(pgid);
}
