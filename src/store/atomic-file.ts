import writeFileAtomic from 'write-file-atomic';

/** Writes via temp file + fsync + rename, so a crash leaves either the old file or the new one, never half of each. */
export async function writeFileAtomically(file: string, data: string, mode = 0o600): Promise<void> {
  await writeFileAtomic(file, data, { mode, fsync: true });
}
