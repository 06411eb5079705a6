import type { DriveChoice } from '../../../src/contract/index.js';

export interface DriveNote {
  code: string;
  severity: 'refuse' | 'hide' | 'warn' | 'busy';
  text: string;
}

/**
 * What a row says about its drive, only what is true where it is shown: the policy's "shown only with 'show all'" is
 * why a drive was hidden, which says nothing once it is listed. A loop device's group names what it is; a built-in
 * disk says so where it may be picked (it then asks for a confirmation).
 */
export function driveNotes({ drive, verdict, busy }: DriveChoice): DriveNote[] {
  const notes: DriveNote[] = [];
  if (busy) notes.push({ code: 'busy', severity: 'busy', text: `In use: being written by “${busy.title}”.` });
  for (const reason of verdict.reasons) {
    if (reason.severity === 'refuse')
      notes.push({ code: reason.code, severity: 'refuse', text: reason.message });
    // A warning asks the user to look twice before picking: moot on a drive that cannot be picked.
    if (reason.severity === 'warn' && verdict.writable)
      notes.push({ code: reason.code, severity: 'warn', text: reason.message });
    if (reason.severity !== 'hide') continue;
    if (reason.code === 'loop-device' || !verdict.writable) continue;
    const text =
      reason.code === 'internal-disk'
        ? `Built-in disk (${drive.bus.toUpperCase()}), not a removable card: you will be asked to confirm.`
        : reason.message.replace(/:?\s*shown only with ["“']show all["”']\.?$/i, '.');
    notes.push({ code: reason.code, severity: 'warn', text });
  }
  return notes;
}

/** A drive the user may tick: the policy allows it and no running flash holds it. */
export function isPickable(choice: DriveChoice): boolean {
  return choice.verdict.writable && !choice.busy;
}
