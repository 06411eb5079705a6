import { Socket } from 'node:net';
import { CancelledError } from '../../errors.js';

export type ProbeResult = 'open' | 'refused' | 'timeout' | 'unreachable' | 'error';

export interface ProbeOutcome {
  result: ProbeResult;
  /** A few words for the user: "port open", "connection refused", "no answer within 2 s". */
  detail: string;
}

const BY_CODE: Record<string, ProbeOutcome> = {
  ECONNREFUSED: { result: 'refused', detail: 'connection refused' },
  ETIMEDOUT: { result: 'timeout', detail: 'connection timed out' },
  EHOSTUNREACH: { result: 'unreachable', detail: 'host unreachable' },
  EHOSTDOWN: { result: 'unreachable', detail: 'host is down' },
  ENETUNREACH: { result: 'unreachable', detail: 'network unreachable' },
  EADDRNOTAVAIL: { result: 'unreachable', detail: 'address not available from here' },
};

/**
 * Tries to open a TCP connection to `host:port` and closes it at once: "is something listening there yet?".
 * Never sends a byte. Rejects only when cancelled; every network outcome is a result.
 */
export function probeTcp(
  host: string,
  port: number,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<ProbeOutcome> {
  const { timeoutMs, signal } = options;
  const cancelled = () => new CancelledError(`Probing ${host}:${port} was cancelled.`);
  if (signal?.aborted) return Promise.reject(cancelled());
  const socket = new Socket();

  return new Promise<ProbeOutcome>((resolve, reject) => {
    const finish = (outcome: ProbeOutcome | Error): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.removeAllListeners();
      // Errors after we are done (a late RST) must not become unhandled 'error' events.
      socket.on('error', () => {});
      socket.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const onAbort = () => finish(cancelled());
    const timer = setTimeout(
      () => finish({ result: 'timeout', detail: `no answer within ${formatSeconds(timeoutMs)}` }),
      timeoutMs,
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => finish({ result: 'open', detail: 'port open' }));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      const known = error.code ? BY_CODE[error.code] : undefined;
      finish(known ?? { result: 'error', detail: error.code ?? error.message });
    });
    socket.connect({ host, port });
  });
}

function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
