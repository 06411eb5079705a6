import { useCallback, useEffect, useState } from 'react';
import type { ErrorInfo, Result } from '../../src/contract/index.js';
import { call, errorInfo } from './companion.js';

export type Load<T> =
  { state: 'loading' } | { state: 'loaded'; value: T } | { state: 'failed'; error: ErrorInfo };

/** Loads once on mount (and on `reload`), keeping loading/failed/loaded explicit for the page to render. */
export function useLoad<T>(fetch: () => Promise<Result<T>>): [Load<T>, () => void] {
  const [load, setLoad] = useState<Load<T>>({ state: 'loading' });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let live = true;
    call(fetch())
      .then((value) => live && setLoad({ state: 'loaded', value }))
      .catch((error: unknown) => live && setLoad({ state: 'failed', error: errorInfo(error) }));
    return () => {
      live = false;
    };
    // fetch is a fresh closure each render; `generation` is the reload trigger.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [generation]);
  const reload = useCallback(() => {
    setLoad({ state: 'loading' });
    setGeneration((g) => g + 1);
  }, []);
  return [load, reload];
}
