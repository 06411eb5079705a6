import type { CheckResult, FirstBootReport } from '../contract/index.js';
import { ageRecipientOfKeyLine } from '../secrets/index.js';
import { FirstBootError } from './first-boot-errors.js';
import type { ConnectOutcome, FirstBootDeps, FirstBootInput } from './first-boot-run.js';
import { nextSteps } from './next-steps.js';

type TrustedOutcome = Extract<ConnectOutcome, { kind: 'trusted' }>;
type FoundHost = { address: string; port: number };

const MISMATCH_EXPLANATION =
  'The Pi presented a different SSH host key than the one injected into its image. Either the key we injected ' +
  'was not used (the image was not built with the /var/lib/bootstrap hostKeys module — see the NixOS module on the ' +
  'Provision page), a different card or machine answered at this address, or someone is intercepting the ' +
  'connection. Nothing was sent to it: no login was attempted.';

export interface RunState {
  input: FirstBootInput;
  deps: FirstBootDeps;
  report: FirstBootReport;
  update: (patch: Partial<FirstBootReport>) => void;
}

function presentedOf(outcome: ConnectOutcome) {
  return {
    presentedKeyLine: outcome.presented.keyLine,
    presentedFingerprint: outcome.presented.fingerprint,
  };
}

/** A key that differs from the pin, or one nothing was pinned for, ends the run here: no login was attempted. */
function refuseUntrustedKey(
  outcome: ConnectOutcome,
  found: FoundHost,
  { input, report, update }: RunState,
): asserts outcome is TrustedOutcome {
  const { profile, log } = input;
  const presented = presentedOf(outcome);
  if (outcome.kind === 'mismatch') {
    update({
      trust: { ...report.trust, ...presented, status: 'mismatch', explanation: MISMATCH_EXPLANATION },
    });
    log(
      `HOST KEY MISMATCH: expected ${outcome.pinnedFingerprint}, got ${outcome.presented.fingerprint}`,
      'error',
    );
    throw new FirstBootError(
      'firstboot-host-key-mismatch',
      `${found.address} is not the Pi you provisioned: it presented ${outcome.presented.fingerprint}, ` +
        `but ${profile.name} was pinned to ${outcome.pinnedFingerprint}. No login was attempted.`,
      'Check that the card you flashed is the one in the Pi and that the image uses the /var/lib/bootstrap ' +
        'host key module; then provision and flash again. Do not trust this key unless you know why it changed.',
    );
  }
  if (outcome.kind === 'unpinned') {
    update({ trust: { ...report.trust, ...presented, status: 'unpinned', explanation: null } });
    throw new FirstBootError(
      'firstboot-host-key-unpinned',
      `${profile.name} has no pinned host key; ${found.address} presented ${outcome.presented.fingerprint}.`,
      'Compare this fingerprint with the one the Pi shows on its console (ssh-keygen -lf ' +
        '/var/lib/bootstrap/ssh_host_ed25519_key.pub), then trust it to continue.',
      {
        cliHint:
          'Compare this fingerprint with the one the Pi shows on its console (ssh-keygen -lf ' +
          `/var/lib/bootstrap/ssh_host_ed25519_key.pub), then run again with --trust ${outcome.presented.fingerprint}.`,
      },
    );
  }
}

/** Pins the key (or the new address of a pinned one) and reports the login; a key trusted in this run must stick. */
async function pinAndReportLogin(
  outcome: TrustedOutcome,
  found: FoundHost,
  { input, deps, report, update }: RunState,
): Promise<void> {
  const { profile, log } = input;
  // A key trusted in this run must be pinned before anything else; for a pinned host, adding the address it
  // answered on is a convenience for the deploy's ssh, so a failure there is a warning.
  if (!profile.pinnedHostKey) await deps.pin(outcome.presented, found);
  else
    await deps.pin(outcome.presented, found).catch((error: unknown) => {
      log(`Could not add ${found.address} to the app's known_hosts: ${(error as Error).message}`, 'warn');
    });
  update({
    stage: 'checking',
    trust: { ...report.trust, ...presentedOf(outcome), status: 'match', explanation: null },
    login: { ok: true, user: profile.access.sshUser, method: outcome.method, error: null },
  });
  log(`Host key matches the pin (${outcome.presented.fingerprint}); logged in as ${profile.access.sshUser}`);
}

function runHostChecks(
  session: TrustedOutcome['session'],
  { input, deps, report, update }: RunState,
): Promise<CheckResult[]> {
  const { profile, log } = input;
  return deps.runChecks({
    shell: session,
    checks: profile.checks,
    // The Wi-Fi file holds the PSK: when provisioning injected one, it must still be root's alone.
    privateFiles: (profile.lastProvision?.files ?? [])
      .filter((file) => file.mode === 0o600 && !file.path.startsWith('/var/lib/bootstrap/'))
      .map((file) => file.path),
    signal: input.signal,
    onResult: (result) => {
      update({ checks: [...report.checks, result], waiting: null });
      log(
        `${result.status.toUpperCase()} ${result.name}: ${result.summary}`,
        result.status === 'fail' ? 'warn' : 'info',
      );
    },
    onWaiting: (text) => update({ waiting: text }),
  });
}

/** Next steps (the deploy above all) only for a Pi that passed; a failing one shows only its check results. */
async function reportVerdict(
  checks: CheckResult[],
  outcome: TrustedOutcome,
  found: FoundHost,
  { input, deps, report, update }: RunState,
): Promise<void> {
  const { profile, log } = input;
  const failed = checks.filter((c) => c.status === 'fail');
  const steps =
    failed.length === 0
      ? nextSteps({
          profile,
          found,
          ageRecipient:
            profile.pinnedHostKey?.ageRecipient || ageRecipientOfKeyLine(outcome.presented.keyLine),
          sshConfigFile: await deps.writeDeployConfig(found).catch((error: unknown) => {
            log(`Could not write the deploy's ssh settings: ${(error as Error).message}`, 'warn');
            return null;
          }),
          platform: deps.platform,
          hasNixosRebuild: await deps.hasNixosRebuild(),
        })
      : report.nextSteps;
  update({ checks, passed: failed.length === 0, nextSteps: steps });
  if (failed.length > 0) {
    throw new FirstBootError(
      'firstboot-checks-failed',
      `${failed.length} of ${checks.length} checks failed on ${profile.name}: ${failed.map((c) => `${c.name} (${c.summary})`).join('; ')}.`,
      'Each check shows its output; fix the cause on the Pi (or its NixOS config) and run the checks again.',
    );
  }
}

/** After the handshake: refuses an untrusted key, else pins it and runs the checks; the session always closes. */
export async function afterConnect(
  outcome: ConnectOutcome,
  found: FoundHost,
  state: RunState,
): Promise<FirstBootReport> {
  refuseUntrustedKey(outcome, found, state);
  const { session } = outcome;
  try {
    await pinAndReportLogin(outcome, found, state);
    const checks = await runHostChecks(session, state);
    await reportVerdict(checks, outcome, found, state);
    return state.report;
  } finally {
    await session.close();
  }
}
