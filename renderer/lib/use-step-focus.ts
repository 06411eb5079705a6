import { useEffect, useRef } from 'react';

/**
 * Moves keyboard focus to the element (a step's heading, with tabIndex -1) each time `step` changes, but not on the
 * first render: after Next, Back or a finished run, a keyboard or screen-reader user lands on the new step's title
 * instead of the page body.
 */
export function useStepFocus<T extends HTMLElement>(step: string) {
  const ref = useRef<T>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    ref.current?.focus();
  }, [step]);
  return ref;
}
