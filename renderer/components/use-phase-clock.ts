import { useEffect, useState } from 'react';

const TICK_MS = 500;

/**
 * How long the current phase has run, in ms, ticking twice a second: a view re-attached to a running task counts from
 * when it saw the phase, which only delays the rate and time left by a few seconds.
 */
export function usePhaseClock(phase: string | null): number {
  const [clock, setClock] = useState(() => ({ phase, start: Date.now(), now: Date.now() }));
  useEffect(() => {
    const timer = setInterval(
      () =>
        setClock((old) => {
          const now = Date.now();
          return old.phase === phase ? { ...old, now } : { phase, start: now, now };
        }),
      TICK_MS,
    );
    return () => clearInterval(timer);
  }, [phase]);
  return clock.phase === phase ? clock.now - clock.start : 0;
}
