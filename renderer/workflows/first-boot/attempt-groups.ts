import type { DiscoveryAttempt } from '../../../src/contract/index.js';

/** Identical attempts folded into one line: what was tried, how often, and when last. */
export interface AttemptGroup {
  key: string;
  via: DiscoveryAttempt['via'];
  target: string;
  outcome: string;
  count: number;
  lastAt: string;
}

const RESULT_TEXT: Record<DiscoveryAttempt['result'], string> = {
  resolved: 'found',
  'not-found': 'not found',
  open: 'port open',
  refused: 'refused',
  timeout: 'no answer',
  unreachable: 'unreachable',
  error: 'failed',
};

/** How each way of finding the Pi reads in a sentence. */
export const VIA_TEXT: Record<DiscoveryAttempt['via'], string> = {
  manual: '(the address you gave)',
  mdns: 'via mDNS',
  dns: 'via DNS',
};

/**
 * Folds attempts with the same way, target and outcome into one group, in the order first tried: a long wait
 * reads "pi.local via mDNS — no mDNS answer ×12, last 10:42:03" instead of twelve identical lines.
 */
export function groupAttempts(attempts: readonly DiscoveryAttempt[]): AttemptGroup[] {
  const groups = new Map<string, AttemptGroup>();
  for (const a of attempts) {
    const outcome = a.detail || RESULT_TEXT[a.result];
    const key = `${a.via} ${a.target} ${a.result} ${outcome}`;
    const group = groups.get(key);
    if (group) {
      group.count += 1;
      group.lastAt = a.at;
    } else groups.set(key, { key, via: a.via, target: a.target, outcome, count: 1, lastAt: a.at });
  }
  return [...groups.values()];
}

/** `10:42:03` in the local time zone. */
export function clockTime(iso: string): string {
  return new Date(iso).toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  });
}
