import { useCallback, useState } from 'react';
import type { ErrorInfo } from '../../src/contract/index.js';
import { errorInfo } from './companion.js';

export interface Action {
  /** True from `run` until its work settles; pages disable their button with it. */
  busy: boolean;
  error: ErrorInfo | null;
  /** Starts `work`; hands its value to `then`, or shows what went wrong (also when `then` throws). */
  run: <T>(work: () => Promise<T>, then?: (value: T) => void) => void;
  /** Shows an error that came from elsewhere on the page (a poll, a sibling call). */
  fail: (error: unknown) => void;
  dismiss: () => void;
}

/** "Start, show busy, show the error": the one shape every button that calls the core has. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const run = useCallback(<T>(work: () => Promise<T>, then?: (value: T) => void) => {
    setError(null);
    setBusy(true);
    work()
      .then((value) => then?.(value))
      .catch((e: unknown) => setError(errorInfo(e)))
      .finally(() => setBusy(false));
  }, []);
  const fail = useCallback((e: unknown) => setError(errorInfo(e)), []);
  const dismiss = useCallback(() => setError(null), []);
  return { busy, error, run, fail, dismiss };
}
