import makeMdns from 'multicast-dns';
import { CancelledError } from '../../errors.js';
import { FirstBootError } from '../first-boot-errors.js';
import { addressesFor } from './mdns-answers.js';

export interface MdnsResolveOptions {
  /** How long to wait for answers in all; default 3 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Test seams: another port, group or interface than 5353, 224.0.0.251 and all interfaces. */
  multicastPort?: number;
  multicastIp?: string;
  interfaceAddress?: string;
}

const DEFAULT_TIMEOUT_MS = 3000;
/** mDNS is lossy UDP: ask again a little later before giving up (RFC 6762 §5.2 backs off, too). */
const RESEND_AT_MS = [0, 250, 1000];
/** Other records (AAAA after A, a second interface) usually follow the first answer within a few ms. */
const SETTLE_AFTER_ANSWER_MS = 300;

/**
 * Asks the LAN for the A and AAAA records of `name` (`pi.local`) over multicast DNS and resolves with the unique
 * addresses heard, ~300 ms after the first answer; an empty list when nobody answered in time. The socket is always
 * closed before the promise settles.
 */
export function mdnsResolve(name: string, options: MdnsResolveOptions = {}): Promise<string[]> {
  const { signal, interfaceAddress } = options;
  if (signal?.aborted) return Promise.reject(new CancelledError(`Looking up ${name} was cancelled.`));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const mdns = makeMdns({
    port: options.multicastPort,
    ip: options.multicastIp,
    interface: interfaceAddress,
    // multicast-dns binds to `interface` by default, but Linux delivers no multicast to a socket bound to a unicast
    // address, so with an interface the socket binds to any address and only joins the group on that interface.
    bind: interfaceAddress ? '0.0.0.0' : undefined,
  });
  const found = new Set<string>();
  const timers: NodeJS.Timeout[] = [];
  let settled = false;

  return new Promise<string[]>((resolve, reject) => {
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      signal?.removeEventListener('abort', onAbort);
      mdns.removeAllListeners('response');
      mdns.destroy(outcome);
    };
    const onAbort = (): void => finish(() => reject(new CancelledError(`Looking up ${name} was cancelled.`)));
    const done = (): void => finish(() => resolve([...found]));
    const ask = (): void => {
      // A failed send (no route for multicast, interface gone) is the same as no answer: the timeout ends it.
      mdns.query(
        [
          { name, type: 'A' },
          { name, type: 'AAAA' },
        ],
        () => {},
      );
    };

    signal?.addEventListener('abort', onAbort, { once: true });
    // Warnings are per-interface trouble (a membership that could not be added); other interfaces may still work.
    mdns.on('warning', () => {});
    mdns.on('error', (error: Error & { code?: string }) => {
      const cause = error.code ?? error.message;
      finish(() =>
        reject(
          new FirstBootError(
            'firstboot-mdns-failed',
            `Could not ask the network for ${name} over mDNS (${cause}).`,
            'Another program may hold the mDNS port (5353) exclusively. Type the Pi’s address instead.',
            { cause: error },
          ),
        ),
      );
    });
    mdns.on('response', (packet) => {
      const before = found.size;
      for (const address of addressesFor(name, packet)) found.add(address);
      if (before === 0 && found.size > 0) timers.push(setTimeout(done, SETTLE_AFTER_ANSWER_MS));
    });
    for (const at of RESEND_AT_MS.filter((ms) => ms < timeoutMs)) timers.push(setTimeout(ask, at));
    timers.push(setTimeout(done, timeoutMs));
  });
}
