import path from 'node:path';
import type { CheckResult, HostCheck } from '../../contract/firstboot.js';
import type { RemoteShell } from '../remote-shell.js';
import { checkBootstrapFiles, DEFAULT_BOOTSTRAP_DIR } from './check-bootstrap-files.js';
import { checkNetwork } from './check-network.js';
import { checkPrivateFile } from './check-private-file.js';
import { fail, type CheckContext, type CheckOutcome } from './check-outcome.js';
import { runCommandCheck, runHttpCheck, type FetchHere } from './check-profile.js';
import { checkSystemRunning } from './check-system-running.js';
import { fetchFromHere } from './fetch-here.js';

export interface FirstBootCheckOptions {
  shell: RemoteShell;
  /** The host profile's own checks, run after the built-in ones as `profile:<index>`. */
  checks: HostCheck[];
  signal?: AbortSignal;
  /** Where provisioning put the host key. Default `/var/lib/bootstrap`. */
  bootstrapDir?: string;
  /** Secret files provisioning injected besides the key (the Wi-Fi env file): each must stay 600 and root's. */
  privateFiles?: readonly string[];
  /** How long to wait for systemd to finish starting. Default 5 min. */
  systemWaitMs?: number;
  /** Time between `is-system-running` polls while waiting. Default 2.5 s. */
  pollIntervalMs?: number;
  /** Called with each result as soon as it is known, for live display. */
  onResult?: (result: CheckResult) => void;
  /** Called while waiting for systemd, e.g. "systemd is still starting (1 job left, e.g. …)". */
  onWaiting?: (text: string) => void;
  /** GET from this machine, for `from: 'here'` checks. Default: node:http(s). */
  fetchHere?: FetchHere;
}

interface PlannedCheck {
  id: string;
  name: string;
  run: (ctx: CheckContext) => Promise<CheckOutcome>;
}

function plan(options: FirstBootCheckOptions): PlannedCheck[] {
  const fetchHere = options.fetchHere ?? fetchFromHere;
  return [
    {
      id: 'builtin:system-running',
      name: 'System has finished booting',
      run: (ctx) =>
        checkSystemRunning({
          ...ctx,
          waitMs: options.systemWaitMs ?? 5 * 60_000,
          pollIntervalMs: options.pollIntervalMs ?? 2_500,
          onWaiting: options.onWaiting,
        }),
    },
    { id: 'builtin:network', name: 'Network is up (NetworkManager)', run: checkNetwork },
    {
      id: 'builtin:bootstrap-files',
      name: 'Bootstrap key is in place',
      run: (ctx) => checkBootstrapFiles({ ...ctx, dir: options.bootstrapDir ?? DEFAULT_BOOTSTRAP_DIR }),
    },
    ...(options.privateFiles ?? []).map((file, index): PlannedCheck => ({
      id: `builtin:private-file-${index}`,
      name: file.endsWith('/system-connections.env')
        ? 'Wi-Fi password is readable only by root'
        : `${path.posix.basename(file)} is readable only by root`,
      run: (ctx) => checkPrivateFile({ ...ctx, file }),
    })),
    ...options.checks.map((check, index): PlannedCheck => ({
      id: `profile:${index}`,
      name: check.name,
      run: (ctx) =>
        check.kind === 'command' ? runCommandCheck(ctx, check) : runHttpCheck({ ...ctx, fetchHere }, check),
    })),
  ];
}

/**
 * Runs the first-boot checks in order: systemd finished booting, network up, bootstrap key in place, then the
 * profile's own checks. Every check runs even when an earlier one failed, because later results explain earlier
 * ones (a degraded system and a failing service check point at the same unit). A check never throws: anything
 * unexpected becomes a failed result. Cancelling is different: it stops the run and rejects with the signal's reason.
 */
export async function runFirstBootChecks(options: FirstBootCheckOptions): Promise<CheckResult[]> {
  const { signal } = options;
  const ctx: CheckContext = { shell: options.shell, signal };
  const results: CheckResult[] = [];
  for (const check of plan(options)) {
    if (signal?.aborted) throw signal.reason;
    const started = performance.now();
    let outcome: CheckOutcome;
    try {
      outcome = await check.run(ctx);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      outcome = fail(error instanceof Error ? error.message || error.name : String(error));
    }
    // A shell that finished its command despite the abort must not turn the cancel into a result.
    if (signal?.aborted) throw signal.reason;
    const result: CheckResult = {
      id: check.id,
      name: check.name,
      ...outcome,
      durationMs: Math.round(performance.now() - started),
    };
    results.push(result);
    options.onResult?.(result);
  }
  return results;
}
