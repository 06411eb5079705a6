import type { CheckResult } from '../../contract/firstboot.js';
import type { RemoteShell } from '../remote-shell.js';

/** What a check found, before the runner adds its id, name and duration. */
export type CheckOutcome = Pick<CheckResult, 'status' | 'summary' | 'output'>;

/** What every check gets from the runner. */
export interface CheckContext {
  shell: RemoteShell;
  signal?: AbortSignal;
}

/** How long a built-in check's single command may take; they are all quick queries. */
export const BUILTIN_TIMEOUT_MS = 20_000;

export const pass = (summary: string, output = ''): CheckOutcome => ({ status: 'pass', summary, output });
export const fail = (summary: string, output = ''): CheckOutcome => ({ status: 'fail', summary, output });
export const skipped = (summary: string, output = ''): CheckOutcome => ({
  status: 'skipped',
  summary,
  output,
});

/** The first non-empty line of `text`, for summaries built from a tool's complaint. */
export function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find(Boolean) ?? ''
  );
}
