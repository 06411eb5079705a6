import { useEffect, useRef } from 'react';
import type { ErrorInfo } from '../../src/contract/index.js';

/**
 * Every error the user sees says what happened and what to do about it. It comes into view and takes focus when it
 * appears or changes, so the user (and a screen reader) meets it where they are instead of far below. Messages
 * about a field the user is typing in are the fields' own, not this, and so never take focus from the field.
 */
export function ErrorNotice({ error, onDismiss }: { error: ErrorInfo; onDismiss?: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const notice = ref.current;
    // A notice on a page that is mounted but not shown has nowhere to scroll and nothing to take focus from.
    if (!notice || notice.closest('[hidden]')) return;
    notice.scrollIntoView({ block: 'nearest' });
    notice.focus({ preventScroll: true });
  }, [error.code, error.message, error.hint]);

  return (
    <div ref={ref} className="notice notice-error" role="alert" tabIndex={-1} data-code={error.code}>
      <p className="notice-message">{error.message}</p>
      <p className="notice-hint">{error.hint}</p>
      {onDismiss && (
        <button type="button" className="button-quiet" onClick={onDismiss}>
          Dismiss
        </button>
      )}
    </div>
  );
}
