import { useId, type ReactNode } from 'react';
import type { ErrorInfo } from '../../src/contract/index.js';
import { ErrorNotice } from './error-notice.js';

/** What is wrong with a field's value: a plain sentence (a typing mistake), or the core's error with its hint. */
export type FieldProblem = string | ErrorInfo;

/** What every field of the kit may say under itself. */
export interface FieldLines {
  /** Shown under the field and marking it invalid (aria-invalid); null or absent when the value is fine. */
  problem?: FieldProblem | null;
  /** What the field is for, shown under it. */
  note?: ReactNode;
  /** A live line about the value (an image's format and size), shown under it. */
  status?: ReactNode;
}

/**
 * The lines under a field and the aria attributes that tie them to its input: the input is marked invalid and
 * described by the message, so a screen reader reads it on focus.
 */
export function useFieldLines({ problem, note, status }: FieldLines) {
  const id = useId();
  const ids = [note && `${id}-note`, status && `${id}-status`, problem && `${id}-problem`].filter(Boolean);
  const lines = (
    <>
      {note && (
        <p id={`${id}-note`} className="field-note">
          {note}
        </p>
      )}
      {status && (
        <p id={`${id}-status`} className="checked-status" role="status">
          {status}
        </p>
      )}
      {problem && <ProblemLine id={`${id}-problem`} problem={problem} />}
    </>
  );
  const aria = {
    'aria-invalid': problem ? true : undefined,
    'aria-describedby': ids.length ? ids.join(' ') : undefined,
  } as const;
  return { id, aria, lines };
}

function ProblemLine({ id, problem }: { id: string; problem: FieldProblem }) {
  if (typeof problem === 'string')
    return (
      <p id={id} className="checked-problem">
        {problem}
      </p>
    );
  return (
    <div id={id} className="checked-problem-notice">
      <ErrorNotice error={problem} />
    </div>
  );
}

/** Focuses the first field marked invalid inside `root`; true when there was one. */
export function focusFirstInvalid(root: HTMLElement | null): boolean {
  const field = root?.querySelector<HTMLElement>('[aria-invalid="true"]');
  field?.focus();
  return Boolean(field);
}
