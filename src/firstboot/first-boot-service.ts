import { join } from 'node:path';
import { FirstBootRequest, taskResultOf, type FirstBootReport, type HostProfile } from '../contract/index.js';
import { NotFoundError } from '../errors.js';
import type { HostProfiles } from '../hosts/index.js';
import {
  ageRecipientOfKeyLine,
  type Keychain,
  knownHostsName,
  parsePublicKeyLine,
  pinHostKey,
} from '../secrets/index.js';
import type { StartedTask, TaskManager } from '../tasks/index.js';
import { createSearchContext, locateProgram } from '../tools/index.js';
import { runFirstBootChecks } from './checks/run-first-boot-checks.js';
import { findHost } from './discovery/find-host.js';
import { formatAddressPort } from './discovery/probe-candidates.js';
import { FirstBootError } from './first-boot-errors.js';
import { FOUND_VIA } from './found-via.js';
import { runFirstBoot, type FirstBootDeps } from './first-boot-run.js';
import { connectPinned } from './ssh/connect-pinned.js';
import { planLogin } from './ssh/login-plan.js';
import { writeDeploySshConfig } from './deploy-ssh-config.js';

/** The keychain account holding the passphrase of one private key file. */
export const keyPassphraseAccount = (identityFile: string) => `ssh-key-passphrase:${identityFile}`;

/** A stage as a task phase: named apart from flashing's, whose "verifying" reads a card back. */
const PHASE_OF_STAGE: Record<FirstBootReport['stage'], string> = {
  finding: 'finding',
  verifying: 'checking-host-key',
  'logging-in': 'logging-in',
  checking: 'checking',
  done: 'done',
};

/** The first-boot wizard as the faces see it: start a run as a task whose result is its live report. */
export class FirstBootService {
  constructor(
    private readonly deps: {
      dataDir: string;
      tasks: TaskManager;
      hosts: HostProfiles;
      keychain: Keychain;
      /** Test seams: the real discovery, ssh and checks unless replaced. */
      overrides?: Partial<FirstBootDeps>;
    },
  ) {}

  get knownHostsFile(): string {
    return join(this.deps.dataDir, 'known_hosts');
  }

  /** Checks the request (host exists, not already running), then runs discovery → trust → login → checks. */
  async start(raw: FirstBootRequest): Promise<StartedTask<FirstBootReport>> {
    const request = FirstBootRequest.parse(raw);
    const profile = this.profileOf(request.host);
    if (request.trustPresentedKey && profile.pinnedHostKey) {
      throw new FirstBootError(
        'firstboot-already-pinned',
        `${profile.name} already has a pinned host key (${profile.pinnedHostKey.fingerprint}); it is not replaced from here.`,
        'A different key means a different or re-installed machine: provision and flash the card again to pin a new key.',
      );
    }
    if (request.trustPresentedKey) parsePublicKeyLine(request.trustPresentedKey);
    return this.deps.tasks.start(
      'first-boot',
      `First boot of ${profile.name}`,
      async (ctx) => {
        let live: FirstBootReport | null = null;
        const report = await runFirstBoot(
          {
            profile: request.identityFile
              ? { ...profile, access: { ...profile.access, identityFile: request.identityFile } }
              : profile,
            address: request.address ?? null,
            timeoutSeconds: request.timeoutSeconds,
            trustPresentedKey: request.trustPresentedKey ?? null,
            signal: ctx.signal,
            log: (line, level) => ctx.log(line, level),
            onChange: (next, stage) => {
              live = structuredClone(next);
              ctx.setResult(live);
              // The stage is all there is to count: how long the Pi takes is not known in advance.
              ctx.progress({ phase: PHASE_OF_STAGE[stage], done: 0, total: null, unit: 'steps' });
            },
          },
          this.runDeps(profile),
        ).catch((error: unknown) => {
          if (live) ctx.setOutcome(outcomeText(live));
          throw error;
        });
        ctx.setOutcome(outcomeText(report));
        return report;
      },
      {
        // Across processes too: two runs at once would race to pin the key a never-pinned Pi presents.
        subject: {
          host: profile.name,
          source: null,
          targets: [request.address ?? profile.access.address ?? `${profile.name}.local`],
        },
        exclusiveKeys: [`first-boot:${profile.name}`],
        // What a command check printed is the Pi's to say, and shown live; the history on disk keeps only verdicts.
        storedResult: (report) => ({ ...report, checks: report.checks.map((c) => ({ ...c, output: '' })) }),
        whenBusy: (_key, holder) =>
          new FirstBootError(
            'firstboot-busy',
            holder
              ? `A first-boot check of ${profile.name} is already running.`
              : `A first-boot check of ${profile.name} is already running in another window of the app or a companion command.`,
            'Wait for it to finish or cancel it where it runs.',
          ),
      },
    );
  }

  /** The deploy command a finished, passing run proposed; only those are ever run for the renderer. */
  deployCommand(taskId: string): NonNullable<FirstBootReport['nextSteps']['deploy']> {
    // Only a run of this process: a report read back from disk is a record, not an instruction to run.
    const report = taskResultOf('first-boot', this.deps.tasks.resultHeldHere(taskId));
    const deploy = report?.stage === 'done' && report.passed ? report.nextSteps.deploy : null;
    if (!deploy) {
      throw new FirstBootError(
        'firstboot-no-deploy',
        'There is no deploy command for this run.',
        'Deploying needs a passing first-boot run of a host that has a flake folder; set one on the Provision page.',
      );
    }
    return deploy;
  }

  /** Saves the passphrase of the host's key file in the OS keychain, so runs can log in unattended. */
  async saveKeyPassphrase(host: string, passphrase: string): Promise<void> {
    const { identityFile } = this.profileOf(host).access;
    if (!identityFile) {
      throw new FirstBootError(
        'firstboot-no-key-file',
        `${host} logs in with your SSH agent, which keeps its own passphrases.`,
        'Choose a key file for this host first.',
      );
    }
    await this.deps.keychain.set(keyPassphraseAccount(identityFile), passphrase);
  }

  private profileOf(host: string): HostProfile {
    const profile = this.deps.hosts.get(host);
    if (!profile)
      throw new NotFoundError(`There is no host called ${host}.`, 'Add it on the Provision page first.');
    return profile;
  }

  private runDeps(profile: HostProfile): FirstBootDeps {
    const { keychain, hosts } = this.deps;
    const knownHostsFile = this.knownHostsFile;
    return {
      findHost: (options) => findHost(options),
      connectPinned: (options) => connectPinned(options),
      runChecks: (options) => runFirstBootChecks(options),
      keyPassphrase: (identityFile) => keychain.get(keyPassphraseAccount(identityFile)),
      async pin(key, found) {
        const names = [knownHostsName(found.address, found.port)];
        if (!profile.pinnedHostKey) {
          names.push(profile.name, `${profile.name}.local`);
          await hosts.pinHostKey(profile.name, {
            publicKeyLine: key.keyLine,
            fingerprint: key.fingerprint,
            ageRecipient: ageRecipientOfKeyLine(key.keyLine),
            pinnedAt: new Date().toISOString(),
          });
        }
        await pinHostKey({
          file: knownHostsFile,
          hostNames: [...new Set(names)],
          publicKeyLine: key.keyLine,
        });
      },
      checkLogin: async (username, auth) => void (await planLogin(username, auth)),
      writeDeployConfig: (found) => writeDeploySshConfig(profile.name, found, knownHostsFile),
      agentSocket: process.env.SSH_AUTH_SOCK,
      platform: process.platform,
      hasNixosRebuild: async () => (await locateProgram('nixos-rebuild', createSearchContext())) !== null,
      ...this.deps.overrides,
    };
  }
}

/** One paragraph for the Tasks panel and the CLI. */
export function outcomeText(report: FirstBootReport): string {
  const lines: string[] = [];
  if (report.found) lines.push(`Found at ${formatAddressPort(report.found)} ${FOUND_VIA[report.found.via]}.`);
  else lines.push(`Not found after ${report.elapsedSeconds} s (${report.attempts.length} attempts).`);
  const trust = report.trust;
  if (trust.status === 'match') lines.push(`Host key matches the pin: ${trust.presentedFingerprint}.`);
  if (trust.status === 'mismatch')
    lines.push(`HOST KEY MISMATCH: got ${trust.presentedFingerprint}, pinned ${trust.pinnedFingerprint}.`);
  if (trust.status === 'unpinned')
    lines.push(`Unpinned host key ${trust.presentedFingerprint}: not trusted yet.`);
  if (report.login.error) lines.push(`Login as ${report.login.user} failed: ${report.login.error}`);
  if (report.checks.length > 0) {
    const passed = report.checks.filter((c) => c.status === 'pass').length;
    lines.push(`${passed} of ${report.checks.length} checks passed.`);
  }
  return lines.join('\n');
}
