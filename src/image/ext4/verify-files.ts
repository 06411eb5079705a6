import { createHash } from 'node:crypto';
import type { EntryType, ExpectedDir, InjectFile, ReadBackFile } from './ext4-types.js';

export type MismatchField = 'missing' | 'type' | 'size' | 'sha256' | 'mode' | 'uid' | 'gid';

/** One way a path in the image differs from what was meant; values are printable (never file contents). */
export interface Mismatch {
  path: string;
  field: MismatchField;
  expected: string;
  actual: string;
}

interface Expectation {
  path: string;
  type: EntryType;
  mode: number;
  uid: number;
  gid: number;
  size?: number;
  sha256?: string;
}

const octal = (mode: number) => `0${mode.toString(8).padStart(3, '0')}`;

function compare(want: Expectation, got: ReadBackFile | undefined): Mismatch[] {
  const mismatch = (field: MismatchField, expected: string, actual: string): Mismatch => ({
    path: want.path,
    field,
    expected,
    actual,
  });
  if (!got?.exists) return [mismatch('missing', `a ${want.type}`, 'nothing')];
  if (got.type !== want.type) return [mismatch('type', want.type, got.type)];
  const found: Mismatch[] = [];
  // A file others may not read holds a secret (host key, PSK): its length or digest in a log would tell an attacker
  // the password's length, or let them test guesses offline.
  const secret = want.type === 'file' && (want.mode & 0o004) === 0;
  if (want.size !== undefined && got.size !== want.size) {
    if (secret) found.push(mismatch('size', 'the length written', 'another length'));
    else found.push(mismatch('size', `${want.size} bytes`, `${got.size} bytes`));
  } else if (want.sha256 !== undefined && got.sha256 !== want.sha256) {
    if (secret) found.push(mismatch('sha256', 'the content written', 'other content'));
    else found.push(mismatch('sha256', want.sha256, got.sha256 ?? 'none'));
  }
  if (got.mode !== want.mode) found.push(mismatch('mode', octal(want.mode), octal(got.mode)));
  if (got.uid !== want.uid) found.push(mismatch('uid', String(want.uid), String(got.uid)));
  if (got.gid !== want.gid) found.push(mismatch('gid', String(want.gid), String(got.gid)));
  return found;
}

/**
 * Lists every difference between the files (and directories) meant to be in the image and what was read back from
 * it, naming path and field; an empty list is the proof the injection worked. Pure.
 */
export function verifyInjectedFiles(
  expected: readonly InjectFile[],
  actual: readonly ReadBackFile[],
  dirs: readonly ExpectedDir[] = [],
): Mismatch[] {
  const byPath = new Map(actual.map((file) => [file.path, file]));
  const wants: Expectation[] = [
    ...dirs.map((dir) => ({ ...dir, type: 'dir' as const })),
    ...expected.map((file) => ({
      path: file.path,
      type: 'file' as const,
      mode: file.mode,
      uid: file.uid,
      gid: file.gid,
      size: file.content.length,
      sha256: createHash('sha256').update(file.content).digest('hex'),
    })),
  ];
  return wants.flatMap((want) => compare(want, byPath.get(want.path)));
}

/** One line per mismatch, for error messages and logs. */
export function describeMismatches(mismatches: readonly Mismatch[]): string {
  return mismatches
    .map((m) =>
      m.field === 'missing'
        ? `${m.path}: missing`
        : `${m.path}: ${m.field} is ${m.actual}, expected ${m.expected}`,
    )
    .join('; ');
}
