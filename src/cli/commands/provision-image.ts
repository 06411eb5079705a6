import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { formatIssues } from '../../api/router.js';
import {
  HostName,
  ProvisionRequest,
  type FileInfo,
  type ProvisionResult,
  type ProvisionRecord,
} from '../../contract/index.js';
import { CliError } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';
import { wantsJson } from '../options.js';
import type { Core } from '../../core.js';
import type { StartedTask } from '../../tasks/index.js';
import type { CliSession } from '../session.js';
import {
  runTaskWithProgress,
  taskFailure,
  taskProgressOptions,
  type TaskProgressOptions,
} from '../task-progress.js';

interface ProvisionOptions {
  image?: string;
  flake?: string;
  secrets?: string;
  ageKey?: string;
  wifiSsid?: string;
  wifiPskFile?: string;
  wifiCountry?: string;
  hostKey?: string;
  wifi: boolean;
  userKnownHosts?: boolean;
  force?: boolean;
}

/** `companion provision-image`: the provisioning wizard's core, for scripts; exit 0 only after full verification. */
export function registerProvisionImageCommand(program: Command, session: CliSession): void {
  program
    .command('provision-image')
    .description(
      'write a NixOS Raspberry Pi image with its SSH host key and Wi-Fi settings in /var/lib, verified by read-back',
    )
    .argument('<host>', 'host name (the flake’s nixosConfigurations.<host>, and <host>.local)')
    .argument('<dest>', 'output image file, or an existing folder (then <dest>/<host>.img)')
    .option('--image <file>', 'start from this .img, .img.zst, .img.xz or .img.gz (else build with nix)')
    .option('--flake <dir>', 'flake folder to build the sdImage from')
    .option(
      '--secrets <file>',
      'the host’s SOPS file (YAML, JSON or dotenv) with wifi_ssid, wifi_psk, ssh_host_ed25519_key',
    )
    .option(
      '--age-key <file>',
      'age identity file (else $SOPS_AGE_KEY_FILE, $SOPS_AGE_KEY, ~/.config/sops/age/keys.txt)',
    )
    .option('--wifi-ssid <ssid>', 'Wi-Fi name (overrides the SOPS file)')
    .option('--wifi-psk-file <file>', 'file holding the Wi-Fi password (one trailing newline is ignored)')
    .option('--wifi-country <cc>', 'Wi-Fi country code, e.g. DE')
    .option(
      '--host-key <file>',
      'OpenSSH ed25519 private key to use as the host key (else SOPS, else a new one)',
    )
    .option('--no-wifi', 'write no Wi-Fi settings (a Pi on Ethernet)')
    .option('--user-known-hosts', 'also pin the host key in ~/.ssh/known_hosts')
    .option('--force', 'replace an existing output file')
    .option('--json', 'print {"image","sizeBytes","hostKeyFingerprint","ageRecipient","files"} when done')
    .action(async (host: string, dest: string, options: ProvisionOptions, command: Command) => {
      const json = wantsJson(command);
      const name = HostName.safeParse(host);
      if (!name.success) {
        throw new CliError(
          `"${host}" is not a valid host name: ${name.error.issues[0]?.message}.`,
          'Use the name of nixosConfigurations.<host> in your flake, e.g. pi-garage.',
          ExitCode.usage,
        );
      }
      const request: ProvisionRequest = {
        host,
        dest,
        imagePath: options.image,
        flakeDir: options.flake,
        sopsFile: options.secrets,
        ageKeyFile: options.ageKey,
        wifiSsid: options.wifiSsid,
        wifiPsk: options.wifiPskFile ? await readPskFile(options.wifiPskFile) : undefined,
        wifiCountry: options.wifiCountry,
        hostKeyFile: options.hostKey,
        noWifi: !options.wifi,
        pinToUserKnownHosts: options.userKnownHosts,
        overwrite: options.force,
      };
      const core = await session.core();
      const outcome = await provisionWithWholeResult(core, request, taskProgressOptions(session.io, json));
      if (json) session.printJson(jsonResult(outcome.record, outcome.files));
      else session.io.out(humanResult(outcome.record, core.provision.knownHostsFile));
    });
}

/**
 * Runs the provisioning straight through the service, not the router: only the caller of start gets the whole
 * result, with the Wi-Fi file's digest that nothing else (events, the history) carries.
 */
async function provisionWithWholeResult(
  core: Core,
  request: ProvisionRequest,
  progress: TaskProgressOptions,
): Promise<ProvisionResult> {
  const checked = ProvisionRequest.safeParse(request);
  if (!checked.success)
    throw new CliError(
      `Invalid options: ${formatIssues(checked.error)}.`,
      'See `companion provision-image --help`.',
      ExitCode.usage,
    );
  let started: StartedTask<ProvisionResult> | null = null;
  const task = await runTaskWithProgress(
    core,
    async () => (started = await core.provision.start(checked.data)).id,
    progress,
  );
  const failure = taskFailure(task);
  if (failure) throw failure;
  const outcome = await (started as StartedTask<ProvisionResult> | null)?.result.catch(() => null);
  if (!outcome)
    throw new CliError(
      'The task succeeded but left no provisioning record.',
      'Report this bug.',
      ExitCode.failed,
    );
  return outcome;
}

/** The --json contract (README); `files` carry every real digest (the saved record omits the Wi-Fi file's). */
export function jsonResult(record: ProvisionRecord, files: FileInfo[]) {
  return {
    image: record.image,
    sizeBytes: record.sizeBytes,
    hostKeyFingerprint: record.hostKeyFingerprint,
    ageRecipient: record.ageRecipient,
    files: files.map(({ path, mode, uid, gid, sha256 }) => ({ path, mode, uid, gid, sha256 })),
  };
}

function humanResult(record: ProvisionRecord, knownHosts: string): string {
  const files = record.files.map(
    (f) => `  ${f.mode.toString(8).padStart(4, '0')} ${f.uid}:${f.gid}  ${f.path}`,
  );
  return [
    `Image:            ${record.image} (mode 0600: it holds secrets)`,
    `Host key:         ${record.hostKeyFingerprint} (pinned in ${knownHosts})`,
    `Age recipient:    ${record.ageRecipient}   ← add to .sops.yaml, then run sops updatekeys`,
    'Verified files:',
    ...files,
    '',
  ].join('\n');
}

async function readPskFile(path: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).replace(/\r?\n$/, '');
  } catch (error) {
    throw new CliError(
      `Cannot read the Wi-Fi password file ${path}: ${(error as NodeJS.ErrnoException).code ?? error}.`,
      'Check the path given to --wifi-psk-file.',
      ExitCode.usage,
    );
  }
}
