import type { ErrorInfo } from '../../src/contract/index.js';

/** Every error the user sees says what happened and what to do about it. */
export function ErrorNotice({ error, onDismiss }: { error: ErrorInfo; onDismiss?: () => void }) {
  return (
    <div className="notice notice-error" role="alert" data-code={error.code}>
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
