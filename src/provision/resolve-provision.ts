import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { defaultSecretKeyNames, type HostProfile, type ProvisionRequest } from '../contract/index.js';
import { ImageError, inspectImage, type ImageErrorCode } from '../image/index.js';
import {
  decryptSopsFile,
  type Ed25519HostKey,
  loadAgeIdentities,
  sshEd25519ToAgeRecipient,
} from '../secrets/index.js';
import { findTool, type ToolId } from '../tools/index.js';
import { ProvisionError } from './provision-errors.js';
import { resolveHostKey, resolveWifi, sopsTextReader } from './resolve-secrets.js';
import type { WifiCredentials } from './wifi-credentials.js';

export type SecretOrigin = 'sops' | 'typed' | 'file' | 'generated' | 'none';

/** Where a provisioning run takes its image from: a (compressed) file, or a `nix build` of a flake attribute. */
export type ProvisionSource =
  | { kind: 'file'; path: string; format: 'raw' | 'zstd' | 'xz' | 'gzip'; sizeBytes: number }
  | { kind: 'nix'; flakeDir: string; attribute: string };

/** Everything provisioning needs, checked; holds secrets, so it lives in memory only and never crosses to the UI. */
export interface ResolvedProvision {
  host: string;
  dest: string;
  sopsFile: string | null;
  overwrite: boolean;
  source: ProvisionSource;
  wifi: WifiCredentials | null;
  wifiOrigin: { ssid: SecretOrigin; psk: SecretOrigin } | null;
  /** Null: generate a new key when the task starts. */
  hostKey: Ed25519HostKey | null;
  hostKeyOrigin: SecretOrigin;
  sopsKeysFound: string[];
  pinToUserKnownHosts: boolean;
  warnings: string[];
}

export interface ResolveDeps {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  home?: string;
}

/**
 * Checks every input before any expensive work: destination, image source, the tools it needs, the SOPS file and
 * age key, the Wi-Fi values and the host key. Each failure names the input and what to do.
 */
export async function resolveProvision(
  request: ProvisionRequest,
  profile: HostProfile | null,
  deps: ResolveDeps = {},
): Promise<ResolvedProvision> {
  const host = request.host;
  const warnings: string[] = [];
  const source = await resolveSource(request, profile, host);
  const dest = await resolveDest(request.dest, host, request.overwrite ?? false, source);
  await requireTools(source);

  const keyNames = { ...defaultSecretKeyNames, ...profile?.secretKeys };
  // Only the SOPS file the request names: a user who chose to type the Wi-Fi details must not need an age key.
  const sopsFile = request.sopsFile ? resolve(request.sopsFile) : undefined;
  const sops = sopsFile ? await openSops(sopsFile, request.ageKeyFile, deps) : null;
  const secrets = { keyNames, sops, sopsFile, fromSops: sopsTextReader(sops, sopsFile) };
  const { wifi, wifiOrigin } = resolveWifi(request, profile, secrets, warnings);
  const { hostKey, hostKeyOrigin } = await resolveHostKey(request, secrets, warnings);
  return {
    host,
    dest,
    sopsFile: sopsFile ?? null,
    overwrite: request.overwrite ?? false,
    source,
    wifi,
    wifiOrigin,
    hostKey,
    hostKeyOrigin,
    sopsKeysFound: sops ? sops.keys() : [],
    pinToUserKnownHosts: request.pinToUserKnownHosts ?? false,
    warnings,
  };
}

/** The age recipient of a host key, for `.sops.yaml` (what ssh-to-age prints). */
export function ageRecipientOf(key: Ed25519HostKey): string {
  return sshEd25519ToAgeRecipient(key.publicKeyLine);
}

async function resolveSource(
  request: ProvisionRequest,
  profile: HostProfile | null,
  host: string,
): Promise<ProvisionSource> {
  // An explicit choice wins: without an image in the request the sdImage is built, whatever the profile remembers.
  const imagePath = request.imagePath;
  if (imagePath) {
    const path = resolve(imagePath);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) {
      throw new ProvisionError(
        'provision-image-missing',
        `The image ${path} does not exist or is not a file.`,
        'Choose an .img, .img.zst, .img.xz or .img.gz file, or leave the image empty to build it with nix.',
      );
    }
    // Checked now, not when the task reads it: a cut-off .zst or an HTML page called .img is refused before the run.
    const inspected = await inspectImage(path);
    if (inspected.problem || !inspected.format) {
      const { code, message, hint } = inspected.problem ?? {
        code: 'image-unreadable',
        message: `${path} could not be read.`,
        hint: '',
      };
      throw new ImageError(code as ImageErrorCode, message, hint);
    }
    return { kind: 'file', path, format: inspected.format, sizeBytes: info.size };
  }
  const flakeDir = request.flakeDir ?? profile?.flakeDir ?? undefined;
  if (!flakeDir) {
    throw new ProvisionError(
      'provision-no-source',
      `There is no image for ${host} and no flake to build it from.`,
      'Choose an existing image file, or set the host’s flake folder so the app can run nix build.',
    );
  }
  const dir = resolve(flakeDir);
  if (!(await stat(join(dir, 'flake.nix')).catch(() => null))) {
    throw new ProvisionError(
      'provision-flake-missing',
      `${dir} has no flake.nix.`,
      'Point the flake folder at the directory that holds your flake.nix.',
    );
  }
  return { kind: 'nix', flakeDir: dir, attribute: `nixosConfigurations.${host}.config.system.build.sdImage` };
}

async function resolveDest(
  raw: string,
  host: string,
  overwrite: boolean,
  source: ProvisionSource,
): Promise<string> {
  let dest = resolve(raw.startsWith('~/') ? join(homedir(), raw.slice(2)) : raw);
  const info = await stat(dest).catch(() => null);
  if (info?.isDirectory()) dest = join(dest, `${host}.img`);
  const existing = info?.isDirectory() ? await stat(dest).catch(() => null) : info;
  if (existing && !existing.isFile()) {
    throw new ProvisionError(
      'provision-dest-invalid',
      `${dest} exists and is not a regular file.`,
      'Choose a file path.',
    );
  }
  if (existing && !overwrite) {
    throw new ProvisionError(
      'provision-dest-exists',
      `${dest} already exists.`,
      'Choose another name, delete the old image, or allow replacing it.',
      { cliHint: 'Choose another name, delete the old image, or allow replacing it (--force).' },
    );
  }
  if (dest.includes('?')) {
    // libext2fs reads "image?offset=N": a "?" in the file name cannot be opened by debugfs.
    throw new ProvisionError(
      'provision-dest-invalid',
      `The output path ${dest} contains "?", which debugfs cannot open.`,
      'Choose a name without "?".',
    );
  }
  if (source.kind === 'file' && resolve(source.path) === dest) {
    throw new ProvisionError(
      'provision-dest-is-source',
      'The output would overwrite the source image.',
      'Write the provisioned image to a new file; the source stays untouched.',
    );
  }
  try {
    await access(dirname(dest), constants.W_OK);
  } catch {
    throw new ProvisionError(
      'provision-dest-unwritable',
      `Cannot write into ${dirname(dest)}.`,
      'Choose a folder you can write to, such as your home folder.',
    );
  }
  return dest;
}

async function requireTools(source: ProvisionSource): Promise<void> {
  const needed: ToolId[] = ['debugfs', 'e2fsck'];
  if (source.kind === 'nix') needed.push('nix', 'zstd');
  else if (source.format === 'zstd') needed.push('zstd');
  else if (source.format === 'xz') needed.push('xz');
  for (const id of needed) await findTool(id);
}

async function openSops(file: string, ageKeyFile: string | undefined, deps: ResolveDeps) {
  const path = resolve(file);
  const { identities } = await loadAgeIdentities({
    ageKeyFile,
    env: deps.env ?? process.env,
    platform: deps.platform ?? process.platform,
    home: deps.home ?? homedir(),
  });
  return decryptSopsFile(path, identities);
}
