import { dirname, join, resolve } from 'node:path';
import type { ProvisionPlan, ProvisionRequest, ProvisionResult, TaskSnapshot } from '../contract/index.js';
import type { StartedTask, TaskManager } from '../tasks/index.js';
import { BOOTSTRAP_FILES } from './bootstrap-files.js';
import { ProvisionError } from './provision-errors.js';
import type { HostProfiles } from '../hosts/index.js';
import { provisionImage } from './provision-image.js';
import {
  ageRecipientOf,
  resolveProvision,
  type ResolveDeps,
  type ResolvedProvision,
} from './resolve-provision.js';

/**
 * The Wi-Fi file's digest goes only to the caller of start (the CLI's `--json`): anywhere else (events, the renderer,
 * the history on disk) it would let whoever reads it test password guesses offline.
 */
function withoutWifiDigest(result: ProvisionResult): ProvisionResult {
  return { ...result, files: result.record.files };
}

/** Provisioning as the faces see it: check a request (cheap, no secrets out), then run it as a task. */
export class ProvisionService {
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

  /**
   * Validates everything first (errors come back before a task exists), then starts the task. One run per host and
   * per destination, also across the app and `companion` runs sharing the data folder: a second run for this host
   * would replace the pin of the image the first one is making.
   */
  async start(request: ProvisionRequest): Promise<StartedTask<ProvisionResult>> {
    const resolved = await this.resolve(request);
    const record = (outcome: ProvisionResult) =>
      this.deps.hosts
        .recordProvision(resolved.host, outcome.record, outcome.pin, {
          // What this run was made from becomes where the host's next run starts.
          ...(resolved.source.kind === 'file'
            ? { imagePath: resolved.source.path }
            : { flakeDir: resolved.source.flakeDir, imagePath: null }),
          outputDir: dirname(resolved.dest),
          ...(resolved.sopsFile ? { sopsFile: resolved.sopsFile } : {}),
          ...(request.ageKeyFile ? { ageKeyFile: resolve(request.ageKeyFile) } : {}),
          ...(resolved.wifi ? { wifiCountry: resolved.wifi.country } : {}),
        })
        .then(() => undefined);
    return this.deps.tasks.start(
      'provision',
      `Provision ${resolved.host}`,
      async (ctx) => {
        for (const warning of resolved.warnings) ctx.log(warning, 'warn');
        return provisionImage(ctx, resolved, { appKnownHosts: this.knownHostsFile, record });
      },
      {
        subject: {
          host: resolved.host,
          source: resolved.source.kind === 'file' ? resolved.source.path : resolved.source.flakeDir,
          targets: [resolved.dest],
        },
        exclusiveKeys: [`provision:${resolved.host}`, `image-file:${resolved.dest}`],
        whenBusy: (key, holder) => busyError(resolved, key, holder),
        sharedResult: withoutWifiDigest,
      },
    );
  }

  private resolve(request: ProvisionRequest): Promise<ResolvedProvision> {
    return resolveProvision(request, this.deps.hosts.get(request.host), this.deps.resolve);
  }
}

function busyError(resolved: ResolvedProvision, key: string, holder: TaskSnapshot | null): ProvisionError {
  const what = key.startsWith('provision:') ? `${resolved.host} is` : `${resolved.dest} is`;
  if (holder)
    return new ProvisionError(
      'provision-busy',
      `${what} already being provisioned ("${holder.title}").`,
      'Wait for that run to finish or cancel it in the Tasks panel.',
    );
  return new ProvisionError(
    'provision-busy',
    `${what} already being provisioned by another window of the app or a companion command.`,
    'Wait for that run to finish (or cancel it where it runs), then start this one again.',
  );
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
