import { lookup } from 'node:dns/promises';
import { setTimeout as delay } from 'node:timers/promises';
import type { DiscoveryAttempt } from '../../contract/index.js';
import { CancelledError } from '../../errors.js';
import { FirstBootError } from '../first-boot-errors.js';
import { AttemptLog } from './attempt-log.js';
import { mdnsResolve } from './mdns-resolve.js';
import { parseAddress } from './parse-address.js';
import { probeCandidates } from './probe-candidates.js';
import { isIP } from 'node:net';
import {
  resolveCandidates,
  type Candidate,
  type ResolveRound,
  type Resolvers,
} from './resolve-candidates.js';

export interface FindHostOptions {
  /** The profile's host name (`pi`): asked for as `pi.local` over mDNS and as `pi` in DNS. */
  hostName: string;
  /** What the user typed (`192.0.2.7`, `pi.lan:2222`, `[fe80::1%wlan0]`); tried alongside, with its own port. */
  manualAddress?: string | null;
  /** The SSH port for addresses found by name; default 22. */
  port?: number;
  /** How long to keep trying in all. */
  timeoutMs: number;
  signal?: AbortSignal;
  onAttempt?: (attempt: DiscoveryAttempt) => void;
  /** Test seams: stand-ins for multicast DNS, the system resolver, the clock and waiting. */
  resolvers?: Partial<Resolvers>;
  now?: () => Date;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Connect timeout of each probe; default 2 s. */
  probeTimeoutMs?: number;
}

export interface FoundHost {
  address: string;
  port: number;
  via: DiscoveryAttempt['via'];
  /** The last ≤50 attempts reported on the way. */
  attempts: DiscoveryAttempt[];
}

/** How long one round waits for mDNS and DNS answers. */
const LOOKUP_TIMEOUT_MS = 3000;
const PROBE_TIMEOUT_MS = 2000;
/** However little time is left, a round gets this long, or it could not succeed at all. */
const MIN_ROUND_MS = 250;
/** Rounds start 1 s, 2 s, 4 s, then every 5 s apart; a booting Pi needs minutes, the user wants seconds. */
const backoffMs = (round: number) => Math.min(1000 * 2 ** round, 5000);

const systemDns = async (name: string): Promise<string[]> =>
  (await lookup(name, { all: true })).map((entry) => entry.address);

const defaultSleep = (ms: number, signal: AbortSignal) => delay(ms, undefined, { signal });

/**
 * Looks for the Pi until something accepts a TCP connection on its SSH port: each round asks mDNS, DNS and the
 * typed address in parallel, then probes every address found. Only names and the typed address are tried — never
 * a scan of the network. Throws `firstboot-not-found` (saying what was tried) after `timeoutMs`, and CancelledError
 * within moments of `signal` aborting.
 */
export async function findHost(options: FindHostOptions): Promise<FoundHost> {
  const { hostName, onAttempt } = options;
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? defaultSleep;
  const signal = options.signal ?? new AbortController().signal;
  const port = options.port ?? 22;
  const manual = options.manualAddress ? parseAddress(options.manualAddress, port) : null;
  const resolvers: Resolvers = {
    mdns: options.resolvers?.mdns ?? ((name, o) => mdnsResolve(name, o)),
    dns: options.resolvers?.dns ?? systemDns,
  };
  const log = new AttemptLog(now, onAttempt);
  const started = now().getTime();
  const deadline = started + options.timeoutMs;
  const left = () => deadline - now().getTime();
  const cancelled = () => new CancelledError(`Looking for ${hostName} on the network was cancelled.`);

  try {
    for (let round = 0; ; round++) {
      if (signal.aborted) throw cancelled();
      if (round > 0 && left() <= 0) break;
      const roundStarted = now().getTime();
      const roundMs = Math.max(left(), MIN_ROUND_MS);
      const timeoutMs = Math.min(LOOKUP_TIMEOUT_MS, roundMs);
      const probeTimeoutMs = Math.min(
        options.probeTimeoutMs ?? PROBE_TIMEOUT_MS,
        Math.max(left(), MIN_ROUND_MS),
      );
      const winner = await findInRound({
        hostName,
        manual,
        port,
        resolvers,
        timeoutMs,
        probeTimeoutMs,
        signal,
        log,
      });
      if (winner) return { ...winner, attempts: log.attempts() };
      if (left() <= 0) break;
      // The pause counts from the round's start: a round spent waiting for mDNS is part of the wait, so a Pi whose
      // sshd comes up is seen within one backoff step, not a lookup timeout plus one.
      const pause = backoffMs(round) - (now().getTime() - roundStarted);
      if (pause > 0) await sleep(Math.min(pause, left()), signal);
    }
  } catch (error) {
    if (signal.aborted) throw cancelled();
    throw error;
  }
  throw notFound(hostName, manual !== null, Math.round((now().getTime() - started) / 1000), log.summary());
}

/**
 * One round. A typed IP is probed at once, alongside the name lookups rather than after them: mDNS waits up to 3 s
 * for an answer that may never come, and a Pi at a known address should be found the moment its sshd listens.
 */
async function findInRound(
  round: Omit<ResolveRound, 'timeoutMs'> & { timeoutMs: number; probeTimeoutMs: number },
): Promise<Candidate | null> {
  const { manual, probeTimeoutMs, signal, log } = round;
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  const probe = (candidates: Candidate[]) =>
    probeCandidates(candidates, { timeoutMs: probeTimeoutMs, signal: stop.signal, log });
  const direct = manual && isIP(manual.host) ? manual : null;
  try {
    const byName = resolveCandidates({ ...round, manual: direct ? null : manual, signal: stop.signal }).then(
      probe,
    );
    const tries = [
      byName,
      ...(direct ? [probe([{ address: direct.host, port: direct.port, via: 'manual' }])] : []),
    ];
    return await new Promise<Candidate | null>((resolve, reject) => {
      let pending = tries.length;
      for (const attempt of tries) {
        attempt.then(
          (found) => (found ? resolve(found) : --pending === 0 && resolve(null)),
          (error: unknown) => (stop.signal.aborted && !signal.aborted ? undefined : reject(error)),
        );
      }
    });
  } finally {
    // The other lookups of a won round stop here (their rejections are ignored above).
    stop.abort();
    signal.removeEventListener('abort', onAbort);
  }
}

function notFound(hostName: string, typedAddress: boolean, seconds: number, summary: string): FirstBootError {
  const address = typedAddress
    ? 'Check the address you typed; if your router lists the Pi among its DHCP clients, use that address.'
    : 'If your router lists the Pi among its DHCP clients, type that address in the address field.';
  return new FirstBootError(
    'firstboot-not-found',
    `Could not reach ${hostName} on SSH within ${seconds} s. Tried: ${summary || 'nothing answered'}.`,
    'Check that the Pi has power and that its Wi-Fi name, password and country (or its cable) are right; ' +
      `the first boot can take several minutes, so try again a little later. ${address}`,
  );
}
