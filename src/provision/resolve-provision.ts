import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { defaultSecretKeyNames, type HostProfile, type ProvisionRequest } from '../contract/index.js';
import { sniffImageFormat } from '../image/image-format.js';
import { loadAgeIdentities } from '../secrets/age-identities.js';
import { decryptSopsFile } from '../secrets/sops/decrypt-sops.js';
import { parseEd25519PrivateKey, type Ed25519HostKey } from '../secrets/ssh-host-key.js';
import { sshEd25519ToAgeRecipient } from '../secrets/ssh-to-age.js';
import { findTool } from '../tools/find-tool.js';
import type { ToolId } from '../tools/tool-catalog.js';
import { readFile } from 'node:fs/promises';
import { whyUnreadable } from '../errors.js';
import { ProvisionError } from './provision-errors.js';
import { validateWifiCredentials, type WifiCredentials } from './wifi-credentials.js';

export type SecretOrigin = 'sops' | 'typed' | 'file' | 'generated' | 'none';

export type ImageSource =
  | { kind: 'file'; path: string; format: 'raw' | 'zstd' | 'xz' | 'gzip'; sizeBytes: number }
  | { kind: 'nix'; flakeDir: string; attribute: string };

/** Everything provisioning needs, checked; holds secrets, so it lives in memory only and never crosses to the UI. */
export interface ResolvedProvision {
  host: string;
  dest: string;
  sopsFile: string | null;
  overwrite: boolean;
  source: ImageSource;
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
  const fromSops = (key: string): string | undefined => {
    const value = sops?.lookup(key);
    if (value === undefined || value === null) return undefined;
    if (Buffer.isBuffer(value)) return value.toString('utf8');
    if (typeof value === 'string' || typeof value === 'number') return String(value);
    throw new ProvisionError(
      'provision-secret-type',
      `"${key}" in ${basename(sopsFile!)} is a ${Array.isArray(value) ? 'list' : typeof value}, not a text value.`,
      `Store ${key} as a single string in the SOPS file.`,
    );
  };

  let wifi: WifiCredentials | null = null;
  let wifiOrigin: ResolvedProvision['wifiOrigin'] = null;
  if (!request.noWifi) {
    const ssid = request.wifiSsid ?? fromSops(keyNames.wifiSsid);
    const psk = request.wifiPsk ?? fromSops(keyNames.wifiPsk);
    if (ssid === undefined || psk === undefined) {
      const missing = [ssid === undefined && 'Wi-Fi name (SSID)', psk === undefined && 'Wi-Fi password']
        .filter(Boolean)
        .join(' and ');
      throw new ProvisionError(
        'provision-wifi-missing',
        sops
          ? `The ${missing} is neither given nor in ${basename(sopsFile!)} (looked for "${keyNames.wifiSsid}" and "${keyNames.wifiPsk}").`
          : `The ${missing} is missing.`,
        'Type them in, add them to the host’s SOPS file, or choose “no Wi-Fi” for a Pi on Ethernet.',
      );
    }
    const country = request.wifiCountry ?? fromSops(keyNames.wifiCountry) ?? profile?.wifiCountry ?? null;
    wifi = validateWifiCredentials({ ssid, psk, country });
    wifiOrigin = {
      ssid: request.wifiSsid !== undefined ? 'typed' : 'sops',
      psk: request.wifiPsk !== undefined ? 'typed' : 'sops',
    };
    if (!wifi.country) warnings.push('No Wi-Fi country set: some 5 GHz channels may stay unavailable.');
  }

  let hostKey: Ed25519HostKey | null = null;
  let hostKeyOrigin: SecretOrigin = 'generated';
  if (request.hostKeyFile) {
    hostKey = parseHostKey(await readInput(request.hostKeyFile, 'host key file'), request.hostKeyFile);
    hostKeyOrigin = 'file';
  } else {
    const text = fromSops(keyNames.hostKey);
    if (text !== undefined) {
      hostKey = parseHostKey(text, `"${keyNames.hostKey}" in ${basename(sopsFile!)}`);
      hostKeyOrigin = 'sops';
    }
  }
  if (!hostKey && sops) {
    warnings.push(
      `No "${keyNames.hostKey}" in the SOPS file: a new host key will be generated. Add its age recipient to .sops.yaml afterwards.`,
    );
  }
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
): Promise<ImageSource> {
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
    return { kind: 'file', path, format: await sniffImageFormat(path), sizeBytes: info.size };
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
  source: ImageSource,
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
      'Choose another name, delete the old image, or allow replacing it (--force).',
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

async function requireTools(source: ImageSource): Promise<void> {
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

async function readInput(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new ProvisionError(
      'provision-input-unreadable',
      `The ${what} ${path} ${whyUnreadable(error)}.`,
      'Check the path and that you may read the file.',
    );
  }
}

function parseHostKey(text: string, where: string): Ed25519HostKey {
  try {
    return parseEd25519PrivateKey(text);
  } catch (error) {
    throw new ProvisionError(
      'provision-host-key-invalid',
      `The host key from ${where} is not usable: ${(error as Error).message}`,
      'Provide an unencrypted OpenSSH ed25519 private key (ssh-keygen -t ed25519 -N ""), or leave it out to generate one.',
    );
  }
}
