import type { DiscoveryAttempt } from '../../contract/index.js';

type Via = DiscoveryAttempt['via'];
type Result = DiscoveryAttempt['result'];

/** Attempts handed back with the result; the wizard shows the most recent. */
export const ATTEMPTS_KEPT = 50;
/** An unchanged outcome ("still refused") is reported again this often, so the live view shows we are trying. */
export const REPEAT_EVERY_MS = 30_000;

/**
 * Collects what discovery tried. Reports an outcome when it differs from the last one for the same target, or
 * when the same one has not been reported for a while, so a 15-minute wait does not produce thousands of lines.
 */
export class AttemptLog {
  private readonly latest = new Map<string, { result: Result; detail: string; target: string; at: number }>();
  private readonly recent: DiscoveryAttempt[] = [];

  constructor(
    private readonly now: () => Date,
    private readonly onAttempt?: (attempt: DiscoveryAttempt) => void,
  ) {}

  record(via: Via, target: string, result: Result, detail: string): void {
    const when = this.now();
    const key = `${via} ${target}`;
    const previous = this.latest.get(key);
    const unchanged = previous?.result === result && previous.detail === detail;
    if (previous && unchanged && when.getTime() - previous.at < REPEAT_EVERY_MS) return;
    this.latest.set(key, { result, detail, target, at: when.getTime() });
    const attempt: DiscoveryAttempt = { at: when.toISOString(), via, target, result, detail };
    this.recent.push(attempt);
    if (this.recent.length > ATTEMPTS_KEPT) this.recent.shift();
    this.onAttempt?.(attempt);
  }

  /** The last ≤50 reported attempts, oldest first. */
  attempts(): DiscoveryAttempt[] {
    return [...this.recent];
  }

  /** The latest outcome per target, in the order first tried: "pi.local: no mDNS answer; pi: not in DNS". */
  summary(): string {
    return [...this.latest.values()].map(({ target, detail }) => `${target}: ${detail}`).join('; ');
  }
}
