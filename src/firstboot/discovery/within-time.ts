import { CancelledError } from '../../errors.js';

/** What `withinTime` returns when the work did not finish in time. */
export const TIMED_OUT = Symbol('timed out');

/**
 * Waits for `work` at most `ms`, and rejects at once when `signal` aborts. The work itself goes on in the background
 * (a `dns.lookup` cannot be stopped); this only bounds how long discovery waits for it.
 */
export function withinTime<T>(
  work: Promise<T>,
  ms: number,
  signal: AbortSignal,
): Promise<T | typeof TIMED_OUT> {
  if (signal.aborted) return Promise.reject(new CancelledError());
  return new Promise<T | typeof TIMED_OUT>((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => {
      done();
      reject(new CancelledError());
    };
    const timer = setTimeout(() => {
      done();
      resolve(TIMED_OUT);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        done();
        resolve(value);
      },
      (error: unknown) => {
        done();
        reject(error);
      },
    );
  });
}
