import { useEffect, useRef } from 'react';
import type { CompanionEvent } from '../../src/contract/index.js';
import { companion } from './companion.js';

/** Subscribes for the component's lifetime; the latest handler is used without re-subscribing on each render. */
export function useCompanionEvents(handler: (event: CompanionEvent) => void): void {
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => companion().events.subscribe((event) => latest.current(event)), []);
}
