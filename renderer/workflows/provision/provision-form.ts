import type { HostProfile, ProvisionRequest } from '../../../src/contract/index.js';

export type SecretsFrom = 'sops' | 'typed' | 'none';

/** What the inputs step holds, as typed; `toProvisionRequest` turns it into what the core checks. */
export interface ProvisionForm {
  host: string;
  imagePath: string;
  flakeDir: string;
  dest: string;
  secretsFrom: SecretsFrom;
  sopsFile: string;
  ageKeyFile: string;
  ssid: string;
  psk: string;
  country: string;
  hostKeyFile: string;
  pinToUserKnownHosts: boolean;
  overwrite: boolean;
}

/**
 * The form as first shown: what the host's last run was made from (source image, output folder, age key) and its
 * country, secrets from SOPS if it has a file.
 */
export function initialForm(host: HostProfile): ProvisionForm {
  return {
    host: host.name,
    imagePath: host.imagePath ?? '',
    flakeDir: host.flakeDir ?? '',
    dest: host.outputDir ?? '',
    secretsFrom: host.sopsFile ? 'sops' : 'typed',
    sopsFile: host.sopsFile ?? '',
    ageKeyFile: host.ageKeyFile ?? '',
    ssid: '',
    psk: '',
    country: host.wifiCountry ?? '',
    hostKeyFile: '',
    pinToUserKnownHosts: false,
    overwrite: false,
  };
}

const optional = (value: string) => (value.trim() ? value.trim() : undefined);

/**
 * Only the fields of the chosen secrets source are sent, so a SOPS path left over from switching to typed
 * Wi-Fi cannot win; a source image makes the flake folder moot. The SSID and password are sent as typed.
 */
export function toProvisionRequest(form: ProvisionForm): ProvisionRequest {
  const { secretsFrom } = form;
  return {
    host: form.host,
    dest: form.dest.trim(),
    imagePath: optional(form.imagePath),
    flakeDir: form.imagePath.trim() ? undefined : optional(form.flakeDir),
    sopsFile: secretsFrom === 'sops' ? optional(form.sopsFile) : undefined,
    ageKeyFile: secretsFrom === 'sops' ? optional(form.ageKeyFile) : undefined,
    wifiSsid: secretsFrom === 'typed' ? form.ssid : undefined,
    wifiPsk: secretsFrom === 'typed' ? form.psk : undefined,
    wifiCountry: secretsFrom === 'none' ? undefined : optional(form.country),
    hostKeyFile: optional(form.hostKeyFile),
    noWifi: secretsFrom === 'none',
    pinToUserKnownHosts: form.pinToUserKnownHosts,
    overwrite: form.overwrite,
  };
}
