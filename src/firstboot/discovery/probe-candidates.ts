import { CancelledError } from '../../errors.js';
import type { AttemptLog } from './attempt-log.js';
import { probeTcp } from './probe-tcp.js';
import type { Candidate } from './resolve-candidates.js';

/** `192.0.2.7:22`, `[2001:db8::7]:22`: how a probed target is shown. */
export function formatAddressPort({ address, port }: { address: string; port: number }): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/**
 * Probes every candidate at once and resolves with the first that accepts a TCP connection, cancelling the rest;
 * null when none did. Every finished probe is logged. Rejects with CancelledError when `signal` aborts.
 */
export async function probeCandidates(
  candidates: Candidate[],
  options: { timeoutMs: number; signal: AbortSignal; log: AttemptLog },
): Promise<Candidate | null> {
  const { timeoutMs, signal, log } = options;
  const round = new AbortController();
  const stop = (): void => round.abort();
  signal.addEventListener('abort', stop, { once: true });
  let winner: Candidate | null = null;
  try {
    await Promise.all(
      candidates.map(async (candidate) => {
        try {
          const outcome = await probeTcp(candidate.address, candidate.port, {
            timeoutMs,
            signal: round.signal,
          });
          if (round.signal.aborted) return;
          log.record(candidate.via, formatAddressPort(candidate), outcome.result, outcome.detail);
          if (outcome.result !== 'open') return;
          winner = candidate;
          round.abort(); // first open wins; the others are not needed any more
        } catch (error) {
          if (!(error instanceof CancelledError)) throw error;
        }
      }),
    );
  } finally {
    signal.removeEventListener('abort', stop);
    round.abort();
  }
  if (signal.aborted) throw new CancelledError();
  return winner;
}
