import { readFile } from 'node:fs/promises';
import type {
  CheckResult,
  DiscoveryAttempt,
  FirstBootReport,
  FirstBootStage,
  HostCheck,
  HostProfile,
} from '../contract/index.js';
import { CancelledError, CompanionError, hasCode, isCode, whyUnreadable } from '../errors.js';
import { afterConnect, type RunState } from './check-trusted-host.js';
import { FirstBootError } from './first-boot-errors.js';
import { FOUND_VIA } from './found-via.js';
import { parseAddress } from './discovery/parse-address.js';
import { fingerprintOfPublicKeyLine } from '../secrets/index.js';
import type { RemoteShell } from './remote-shell.js';
import type { FirstbootSshErrorCode } from './ssh/ssh-errors.js';

/** What ssh2 presented and how it compared; the union `connectPinned` returns. */
export type ConnectOutcome =
  | {
      kind: 'trusted';
      session: RemoteShell & { close(): void | Promise<void> };
      presented: { keyLine: string; fingerprint: string };
      method: 'agent' | 'key';
    }
  | { kind: 'mismatch'; presented: { keyLine: string; fingerprint: string }; pinnedFingerprint: string }
  | { kind: 'unpinned'; presented: { keyLine: string; fingerprint: string } };

/** The OS boundaries of a run, injected so the orchestration is testable with stand-ins. */
export interface FirstBootDeps {
  findHost(options: {
    hostName: string;
    manualAddress: string | null;
    timeoutMs: number;
    signal: AbortSignal;
    onAttempt: (attempt: DiscoveryAttempt) => void;
  }): Promise<{ address: string; port: number; via: 'manual' | 'mdns' | 'dns' }>;
  connectPinned(options: {
    host: string;
    port: number;
    username: string;
    pinnedKeyLine: string | null;
    auth: { agent?: string; privateKey?: Buffer; passphrase?: string };
    signal: AbortSignal;
  }): Promise<ConnectOutcome>;
  runChecks(options: {
    shell: RemoteShell;
    checks: HostCheck[];
    privateFiles: string[];
    signal: AbortSignal;
    onResult: (result: CheckResult) => void;
    onWaiting: (text: string) => void;
  }): Promise<CheckResult[]>;
  /** The saved passphrase of a private key file, or null. */
  keyPassphrase(identityFile: string): Promise<string | null>;
  /** Pins a key the user approved (never replaces an existing pin) and the address it answered on. */
  pin(key: { keyLine: string; fingerprint: string }, found: { address: string; port: number }): Promise<void>;
  /** Refuses unusable credentials (no agent, encrypted key without passphrase) before minutes of waiting. */
  checkLogin(
    username: string,
    auth: { agent?: string; privateKey?: Buffer; passphrase?: string },
  ): Promise<void>;
  /** Writes the deploy's ssh config (see deploy-ssh-config.ts); its path, or null when it could not be written. */
  writeDeployConfig(found: { address: string; port: number }): Promise<string | null>;
  agentSocket: string | undefined;
  platform: NodeJS.Platform;
  hasNixosRebuild: () => Promise<boolean>;
  now?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface FirstBootInput {
  profile: HostProfile;
  address: string | null;
  timeoutSeconds: number;
  trustPresentedKey: string | null;
  signal: AbortSignal;
  /** Called after every change of the live report. */
  onChange: (report: FirstBootReport, stage: FirstBootStage) => void;
  log: (line: string, level?: 'info' | 'warn' | 'error') => void;
}

const MAX_ATTEMPTS_KEPT = 50;
const RETRY_CONNECT_MS = 3000;

function emptyReport(profile: HostProfile): FirstBootReport {
  return {
    host: profile.name,
    stage: 'finding',
    waiting: null,
    found: null,
    attempts: [],
    trust: {
      status: 'not-reached',
      presentedKeyLine: null,
      presentedFingerprint: null,
      pinnedFingerprint: profile.pinnedHostKey?.fingerprint ?? null,
      explanation: null,
    },
    login: { ok: false, user: profile.access.sshUser, method: null, error: null },
    checks: [],
    passed: false,
    elapsedSeconds: 0,
    nextSteps: {
      ageRecipient: profile.pinnedHostKey?.ageRecipient || null,
      sopsUpdateKeys: null,
      deploy: null,
    },
  };
}

async function loginAuth(profile: HostProfile, deps: FirstBootDeps, log: FirstBootInput['log']) {
  const { identityFile } = profile.access;
  const agent = deps.agentSocket ? { agent: deps.agentSocket } : {};
  if (!identityFile) return agent;
  const privateKey = await readFile(identityFile).catch((error: unknown) => {
    throw new FirstBootError(
      'firstboot-key-unreadable',
      `The SSH key ${identityFile} ${whyUnreadable(error)}.`,
      'Choose another key file for this host, or clear it to use your SSH agent.',
    );
  });
  // An unencrypted key needs no keychain; a missing passphrase surfaces later as firstboot-key-passphrase.
  const passphrase = await deps.keyPassphrase(identityFile).catch((error: unknown) => {
    log(`Could not read the key's passphrase from the keychain: ${(error as Error).message}`, 'warn');
    return null;
  });
  // The chosen key first; the agent after it, as ssh does.
  return { privateKey, ...(passphrase === null ? {} : { passphrase }), ...agent };
}

const defaultSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CancelledError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Finds the Pi, proves it holds the pinned host key before logging in, runs the checks, and says what to do next.
 * Resolves with the report when every check passed; otherwise throws a FirstBootError after the report says why
 * (the caller keeps the live report, so the faces can show both).
 */
export async function runFirstBoot(input: FirstBootInput, deps: FirstBootDeps): Promise<FirstBootReport> {
  const { profile, signal, log } = input;
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? defaultSleep;
  const started = now();
  const deadline = started + input.timeoutSeconds * 1000;
  const report = emptyReport(profile);
  const update = (patch: Partial<FirstBootReport>) => {
    Object.assign(report, patch, { elapsedSeconds: Math.round((now() - started) / 100) / 10 });
    input.onChange(report, report.stage);
  };
  const pinnedKeyLine = profile.pinnedHostKey?.publicKeyLine ?? input.trustPresentedKey;
  const expected = pinnedKeyLine ? fingerprintOfPublicKeyLine(pinnedKeyLine) : null;

  try {
    const auth = await loginAuth(profile, deps, log);
    await deps.checkLogin(profile.access.sshUser, auth).catch((error: unknown) => {
      if (error instanceof CompanionError) loginFailed(error, report, update, null);
      throw error;
    });
    for (;;) {
      const manualAddress = input.address ?? profile.access.address;
      update({ stage: 'finding', waiting: waitingLine(manualAddress) });
      const { address, port, via } = await deps.findHost({
        hostName: profile.name,
        manualAddress,
        timeoutMs: Math.max(1000, deadline - now()),
        signal,
        onAttempt: (attempt) => {
          update({ attempts: [...report.attempts, attempt].slice(-MAX_ATTEMPTS_KEPT) });
          log(
            `${attempt.via} ${attempt.target}: ${attempt.result}${attempt.detail ? ` (${attempt.detail})` : ''}`,
          );
        },
      });
      const found = { address, port, via };
      update({ stage: 'verifying', found, waiting: null });
      log(`Found ${profile.name} at ${found.address}:${found.port} ${FOUND_VIA[found.via]}`);
      let outcome: ConnectOutcome;
      try {
        outcome = await deps.connectPinned({
          host: found.address,
          port: found.port,
          username: profile.access.sshUser,
          pinnedKeyLine: pinnedKeyLine ?? null,
          auth,
          signal,
        });
      } catch (error) {
        // An sshd that just started can drop the first handshakes: still booting, not broken — try again.
        if (hasCode<FirstbootSshErrorCode>(error, 'firstboot-ssh-unreachable') && now() < deadline) {
          log(`SSH at ${found.address}:${found.port} is not ready yet: ${error.message}`, 'warn');
          await sleep(RETRY_CONNECT_MS, signal);
          continue;
        }
        if (hasCode<FirstbootSshErrorCode>(error, ...LOGIN_CODES))
          loginFailed(error, report, update, expected);
        throw error;
      }
      return await afterConnect(outcome, found, { input, deps, report, update });
    }
  } catch (error) {
    if (signal.aborted) throw new CancelledError('First-boot check cancelled.');
    throw error;
  } finally {
    update({ stage: 'done', waiting: null });
  }
}

/** Errors of the login itself; only `firstboot-auth-failed` comes after the host key was accepted. */
const LOGIN_CODES = [
  'firstboot-auth-failed',
  'firstboot-login-dropped',
  'firstboot-key-passphrase',
  'firstboot-key-invalid',
  'firstboot-no-agent',
] as const satisfies readonly FirstbootSshErrorCode[];
/** Of those, the ones that can only happen after the host key was accepted. */
const AFTER_KEY = [
  'firstboot-auth-failed',
  'firstboot-login-dropped',
] as const satisfies readonly FirstbootSshErrorCode[];

function loginFailed(
  error: CompanionError,
  report: FirstBootReport,
  update: RunState['update'],
  expectedFingerprint: string | null,
): void {
  const keyAccepted = isCode<FirstbootSshErrorCode>(error.code, ...AFTER_KEY);
  update({
    stage: 'logging-in',
    login: { ...report.login, ok: false, error: error.message },
    ...(keyAccepted
      ? {
          trust: {
            ...report.trust,
            status: 'match' as const,
            presentedFingerprint: expectedFingerprint,
          },
        }
      : {}),
  });
}

/** What the run waits for, naming the port the Pi is asked on (the typed one, else SSH's 22). */
function waitingLine(manualAddress: string | null | undefined): string {
  let port = 22;
  try {
    if (manualAddress) port = parseAddress(manualAddress).port;
  } catch {
    // A malformed address is discovery's to report; the line keeps the default port.
  }
  return `Waiting for the Pi to answer on SSH (port ${port})`;
}
