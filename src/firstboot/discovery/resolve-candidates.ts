import { isIP } from 'node:net';
import type { DiscoveryAttempt } from '../../contract/index.js';
import { CancelledError, CompanionError } from '../../errors.js';
import type { AttemptLog } from './attempt-log.js';
import type { HostPort } from './parse-address.js';
import { TIMED_OUT, withinTime } from './within-time.js';

/** An address worth probing, and how we learned it. */
export interface Candidate {
  address: string;
  port: number;
  via: DiscoveryAttempt['via'];
}

export interface Resolvers {
  mdns: (name: string, options: { signal: AbortSignal; timeoutMs: number }) => Promise<string[]>;
  dns: (name: string) => Promise<string[]>;
}

export interface ResolveRound {
  hostName: string;
  manual: HostPort | null;
  port: number;
  resolvers: Resolvers;
  /** How long this round may wait for answers. */
  timeoutMs: number;
  signal: AbortSignal;
  log: AttemptLog;
}

type Outcome = { result: DiscoveryAttempt['result']; detail: string; addresses: string[] };

/** Grace for a resolver that was told the time limit but overruns it (a stand-in, a slow socket close). */
const GRACE_MS = 250;

const NOT_IN_DNS = new Set(['ENOTFOUND', 'ENODATA', 'EAI_NONAME', 'EAI_NODATA']);

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

async function ask(
  lookup: () => Promise<string[]>,
  ms: number,
  signal: AbortSignal,
  missing: string,
): Promise<Outcome> {
  try {
    const addresses = await withinTime(lookup(), ms, signal);
    if (addresses === TIMED_OUT)
      return { result: 'timeout', detail: `no answer within ${seconds(ms)}`, addresses: [] };
    if (addresses.length === 0) return { result: 'not-found', detail: missing, addresses };
    return { result: 'resolved', detail: addresses.join(', '), addresses };
  } catch (error) {
    if (error instanceof CancelledError || signal.aborted) throw error;
    if (error instanceof CompanionError) {
      return { result: 'error', detail: error.message.replace(/\.$/, ''), addresses: [] };
    }
    const code = (error as NodeJS.ErrnoException | null)?.code;
    if (code && NOT_IN_DNS.has(code)) return { result: 'not-found', detail: missing, addresses: [] };
    // EAI_AGAIN: the resolver could not reach a DNS server (offline, or a namespace without one).
    if (code === 'EAI_AGAIN') return { result: 'error', detail: 'no DNS server answered', addresses: [] };
    const why = code ?? (error instanceof Error ? error.message : String(error));
    return { result: 'error', detail: `lookup failed (${why})`, addresses: [] };
  }
}

/**
 * One round of asking where the Pi is, all at once: the address the user typed (an IP as is, a name through the
 * system resolver), mDNS for `<host>.local`, and the system resolver for the bare host name (a router's DNS often
 * knows DHCP clients by name). Each outcome is logged; the unique address:port pairs come back, manual first.
 */
export async function resolveCandidates(round: ResolveRound): Promise<Candidate[]> {
  const { hostName, manual, port, resolvers, timeoutMs, signal, log } = round;
  const mdnsName = `${hostName}.local`;
  const none = async (): Promise<Outcome | null> => null;
  const [manualOutcome, mdnsOutcome, dnsOutcome] = await Promise.all([
    manual && !isIP(manual.host)
      ? ask(() => resolvers.dns(manual.host), timeoutMs, signal, 'does not resolve')
      : none(),
    ask(
      () => resolvers.mdns(mdnsName, { signal, timeoutMs }),
      timeoutMs + GRACE_MS,
      signal,
      'no mDNS answer',
    ),
    ask(() => resolvers.dns(hostName), timeoutMs, signal, 'not in DNS'),
  ]);

  const candidates: Candidate[] = [];
  if (manual && manualOutcome === null)
    candidates.push({ address: manual.host, port: manual.port, via: 'manual' });
  const sources: [DiscoveryAttempt['via'], string, Outcome | null, number][] = [
    ['manual', manual?.host ?? '', manualOutcome, manual?.port ?? port],
    ['mdns', mdnsName, mdnsOutcome, port],
    ['dns', hostName, dnsOutcome, port],
  ];
  for (const [via, target, outcome, targetPort] of sources) {
    if (!outcome) continue;
    log.record(via, target, outcome.result, outcome.detail);
    for (const address of outcome.addresses) candidates.push({ address, port: targetPort, via });
  }
  const seen = new Set<string>();
  return candidates.filter((c) => {
    const key = `${c.address.toLowerCase()} ${c.port}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
