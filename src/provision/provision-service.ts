import { join } from 'node:path';
import type { ProvisionPlan, ProvisionRequest } from '../contract/index.js';
import { claimFileLock } from '../store/index.js';
import type { TaskManager } from '../tasks/index.js';
import { BOOTSTRAP_FILES } from './bootstrap-files.js';
import { ProvisionError } from './provision-errors.js';
import type { HostProfiles } from '../hosts/index.js';
import { provisionImage, type ProvisionOutcome } from './provision-image.js';
import {
  ageRecipientOf,
  resolveProvision,
  type ResolveDeps,
  type ResolvedProvision,
} from './resolve-provision.js';

/** Provisioning as the faces see it: check a request (cheap, no secrets out), then run it as a task. */
export class ProvisionService {
  private readonly running = new Map<string, { host: string; dest: string }>();
  private readonly outcomes = new Map<string, ProvisionOutcome>();

  constructor(
    private readonly deps: {
      dataDir: string;
      tasks: TaskManager;
      hosts: HostProfiles;
      resolve?: ResolveDeps;
    },
  ) {}

  /** The app's own known_hosts, where provisioning pins every host key. */
  get knownHostsFile(): string {
    return join(this.deps.dataDir, 'known_hosts');
  }

  async check(request: ProvisionRequest): Promise<ProvisionPlan> {
    return toPlan(await this.resolve(request));
  }

  /** Validates everything first (errors come back before a task exists), then starts the task. */
  async start(request: ProvisionRequest): Promise<{ id: string; result: Promise<ProvisionOutcome> }> {
    const resolved = await this.resolve(request);
    const busy = [...this.running.values()].find((r) => r.host === resolved.host || r.dest === resolved.dest);
    if (busy) {
      throw new ProvisionError(
        'provision-busy',
        `${resolved.host} is already being provisioned (to ${busy.dest}).`,
        'Wait for that run to finish or cancel it in the Tasks panel.',
      );
    }
    // The app and `companion` runs share the data folder: a second run for this host elsewhere would replace the pin
    // of the image the first one is making.
    const releaseHost = await claimFileLock(join(this.deps.dataDir, 'locks', `provision-${resolved.host}`));
    if (!releaseHost) {
      throw new ProvisionError(
        'provision-busy',
        `${resolved.host} is already being provisioned by another window of the app or a companion command.`,
        'Wait for that run to finish (or cancel it where it runs), then start this one again.',
      );
    }
    try {
      return this.startTask(request, resolved, releaseHost);
    } catch (error) {
      await releaseHost();
      throw error;
    }
  }

  private startTask(
    request: ProvisionRequest,
    resolved: ResolvedProvision,
    releaseHost: () => Promise<void>,
  ): { id: string; result: Promise<ProvisionOutcome> } {
    const profile = this.deps.hosts.get(request.host);
    const record = (outcome: ProvisionOutcome) =>
      this.deps.hosts
        .recordProvision(resolved.host, outcome.record, outcome.pin, {
          flakeDir: resolved.source.kind === 'nix' ? resolved.source.flakeDir : (profile?.flakeDir ?? null),
          imagePath: resolved.source.kind === 'file' ? resolved.source.path : (profile?.imagePath ?? null),
          sopsFile: resolved.sopsFile ?? profile?.sopsFile ?? null,
          wifiCountry: resolved.wifi?.country ?? profile?.wifiCountry ?? null,
        })
        .then(() => undefined);
    const task = this.deps.tasks.start('provision', `Provision ${resolved.host}`, async (ctx) => {
      for (const warning of resolved.warnings) ctx.log(warning, 'warn');
      const outcome = await provisionImage(ctx, resolved, { appKnownHosts: this.knownHostsFile, record });
      this.outcomes.set(ctx.taskId, outcome);
      // Only the CLI of this process reads these, right after the run; keep a few, not a history of digests.
      for (const old of [...this.outcomes.keys()].slice(0, -5)) this.outcomes.delete(old);
      return outcome;
    });
    this.running.set(task.id, { host: resolved.host, dest: resolved.dest });
    const ended = () => {
      this.running.delete(task.id);
      void releaseHost();
    };
    void task.result.then(ended, ended);
    return task;
  }

  /** The full outcome of a finished run in this process (with every file digest), for the CLI's --json. */
  outcomeOf(taskId: string): ProvisionOutcome | undefined {
    return this.outcomes.get(taskId);
  }

  private resolve(request: ProvisionRequest): Promise<ResolvedProvision> {
    return resolveProvision(request, this.deps.hosts.get(request.host), this.deps.resolve);
  }
}

function toPlan(resolved: ResolvedProvision): ProvisionPlan {
  const files = [
    BOOTSTRAP_FILES.hostKey,
    BOOTSTRAP_FILES.hostKeyPub,
    ...(resolved.wifi ? [BOOTSTRAP_FILES.wifiEnv] : []),
  ];
  return {
    host: resolved.host,
    dest: resolved.dest,
    source: resolved.source,
    wifi:
      resolved.wifi && resolved.wifiOrigin
        ? {
            ssid: resolved.wifi.ssid,
            ssidFrom: resolved.wifiOrigin.ssid,
            pskFrom: resolved.wifiOrigin.psk,
            country: resolved.wifi.country,
          }
        : null,
    hostKey: {
      from: resolved.hostKeyOrigin,
      fingerprint: resolved.hostKey?.fingerprint ?? null,
      ageRecipient: resolved.hostKey ? ageRecipientOf(resolved.hostKey) : null,
    },
    sopsKeysFound: resolved.sopsKeysFound,
    files: files.map(({ path, mode, uid, gid }) => ({ path, mode, uid, gid })),
    warnings: resolved.warnings,
  };
}
