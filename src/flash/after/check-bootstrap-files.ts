import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import type { FileInfo, HostProfile, ProvisionRecord } from '../../contract/index.js';
import type { ReadBackFile } from '../../image/index.js';
import { FlashError } from '../flash-errors.js';
import { dropDeviceCache } from '../write/verify-device.js';
import { readFilesOnCardRoot } from './read-card-root-files.js';

/**
 * Whether `record` describes the image just flashed: the same file, or the same bytes under another name (only
 * records from versions that hashed the whole image have a digest; findProvisionOnCard covers the others).
 */
export function recordMatchesImage(
  record: Pick<ProvisionRecord, 'image' | 'sha256'>,
  flashed: { imagePath: string; sourceSha256: string },
): boolean {
  return (
    record.image === flashed.imagePath || record.sha256?.toLowerCase() === flashed.sourceSha256.toLowerCase()
  );
}

/** The host whose last provisioning made the flashed image, if any. */
export function findProvisionFor(
  hosts: readonly Pick<HostProfile, 'name' | 'lastProvision'>[],
  flashed: { imagePath: string; sourceSha256: string },
): { host: string; record: ProvisionRecord } | null {
  for (const host of hosts) {
    if (host.lastProvision && recordMatchesImage(host.lastProvision, flashed))
      return { host: host.name, record: host.lastProvision };
  }
  return null;
}

export interface FileMismatch {
  path: string;
  field: 'missing' | 'type' | 'mode' | 'uid' | 'gid' | 'sha256';
  expected: string;
  actual: string;
}

const octal = (mode: number) => `0${mode.toString(8)}`;

/** Every way the card's files differ from the record; a null digest in the record (the Wi-Fi file) is not compared. */
export function compareWithRecord(
  expected: readonly FileInfo[],
  found: readonly ReadBackFile[],
): FileMismatch[] {
  const mismatches: FileMismatch[] = [];
  for (const want of expected) {
    const got = found.find((f) => f.path === want.path);
    const add = (field: FileMismatch['field'], e: string, a: string) =>
      mismatches.push({ path: want.path, field, expected: e, actual: a });
    if (!got?.exists) {
      add('missing', 'a file', 'nothing');
      continue;
    }
    if (got.type !== 'file') add('type', 'file', got.type);
    if (got.mode !== want.mode) add('mode', octal(want.mode), octal(got.mode));
    if (got.uid !== want.uid) add('uid', String(want.uid), String(got.uid));
    if (got.gid !== want.gid) add('gid', String(want.gid), String(got.gid));
    if (want.sha256 !== null && got.sha256 !== want.sha256) add('sha256', want.sha256, got.sha256 ?? 'none');
  }
  return mismatches;
}

function describeMismatch(m: FileMismatch): string {
  if (m.field === 'missing') return `${m.path} is missing`;
  return `${m.path}: ${m.field} is ${m.actual}, expected ${m.expected}`;
}

/**
 * Re-reads the files provisioning injected, from the card itself, and compares them with the host's record — the
 * step Pi Imager does for its customisation files, because a whole-image verify proves the bytes were written, not
 * that the image written was the provisioned one. Returns what was read.
 */
export async function checkBootstrapFilesOnCard(options: {
  device: string;
  record: ProvisionRecord;
  signal?: AbortSignal;
}): Promise<ReadBackFile[]> {
  const { device, record } = options;
  try {
    await access(device, constants.R_OK);
  } catch {
    throw new FlashError(
      'flash-bootstrap-unreadable',
      `${device} is not readable by this user, so the bootstrap files could not be re-checked on it.`,
      'The image itself was verified; the files are checked again on first boot (host key pin).',
    );
  }
  // debugfs reads through the page cache, which may still hold what we sent rather than what the card stored.
  await dropDeviceCache(device);
  const found = await readFilesOnCardRoot({
    device,
    rootOffset: record.rootPartitionOffset,
    paths: record.files.map((f) => f.path),
    signal: options.signal,
  });
  const mismatches = compareWithRecord(record.files, found);
  if (mismatches.length > 0) {
    throw new FlashError(
      'flash-bootstrap-mismatch',
      `The bootstrap files on ${device} differ from what was provisioned: ${mismatches.map(describeMismatch).join('; ')}.`,
      'Do not boot this card. Provision the image again and flash it again; if it happens twice, the card is failing.',
    );
  }
  return found;
}
