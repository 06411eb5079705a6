import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { HostProfile, ProvisionRequest, SecretKeyNames } from '../contract/index.js';
import { whyUnreadable } from '../errors.js';
import { type DecryptedSops, type Ed25519HostKey, parseEd25519PrivateKey } from '../secrets/index.js';
import { ProvisionError } from './provision-errors.js';
import type { ResolvedProvision, SecretOrigin } from './resolve-provision.js';
import { validateWifiCredentials, type WifiCredentials } from './wifi-credentials.js';

/** A value of the SOPS file as text; undefined when absent (or no file). */
export type SopsText = (key: string) => string | undefined;

/** Where the secrets may come from besides the request: the SOPS file the request named, under these key names. */
export interface SecretSources {
  keyNames: SecretKeyNames;
  sops: DecryptedSops | null;
  sopsFile: string | undefined;
  fromSops: SopsText;
}

/** Reads a value as text; a list or a map under a secret's name is refused rather than turned into text. */
export function sopsTextReader(sops: DecryptedSops | null, sopsFile: string | undefined): SopsText {
  return (key: string): string | undefined => {
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
}

/** The Wi-Fi credentials, typed ones before the SOPS file's; none at all is refused unless "no Wi-Fi" was chosen. */
export function resolveWifi(
  request: ProvisionRequest,
  profile: HostProfile | null,
  { keyNames, sops, sopsFile, fromSops }: SecretSources,
  warnings: string[],
): { wifi: WifiCredentials | null; wifiOrigin: ResolvedProvision['wifiOrigin'] } {
  if (request.noWifi) return { wifi: null, wifiOrigin: null };
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
  const wifi = validateWifiCredentials({ ssid, psk, country });
  const wifiOrigin: ResolvedProvision['wifiOrigin'] = {
    ssid: request.wifiSsid !== undefined ? 'typed' : 'sops',
    psk: request.wifiPsk !== undefined ? 'typed' : 'sops',
  };
  if (!wifi.country) warnings.push('No Wi-Fi country set: some 5 GHz channels may stay unavailable.');
  return { wifi, wifiOrigin };
}

/** The host key from its file or the SOPS file; none means one is generated when the task starts. */
export async function resolveHostKey(
  request: ProvisionRequest,
  { keyNames, sops, sopsFile, fromSops }: SecretSources,
  warnings: string[],
): Promise<{ hostKey: Ed25519HostKey | null; hostKeyOrigin: SecretOrigin }> {
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
  return { hostKey, hostKeyOrigin };
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
