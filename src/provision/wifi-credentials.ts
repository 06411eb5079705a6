import { ProvisionError } from './provision-errors.js';

export interface WifiCredentials {
  ssid: string;
  psk: string;
  /** ISO 3166 alpha-2, upper case; sets the regulatory domain so 5 GHz channels are allowed. */
  country: string | null;
}

/**
 * Checks what WPA2/WPA3-Personal and NetworkManager accept, before any image is touched:
 * SSID 1–32 bytes, passphrase 8–63 printable ASCII characters or a 64-digit hex key.
 */
export function validateWifiCredentials(input: {
  ssid: string;
  psk: string;
  country?: string | null;
}): WifiCredentials {
  const ssidBytes = Buffer.byteLength(input.ssid, 'utf8');
  if (ssidBytes < 1 || ssidBytes > 32) {
    throw new ProvisionError(
      'wifi-ssid-invalid',
      `The Wi-Fi name (SSID) is ${ssidBytes} bytes long; it must be 1 to 32 bytes.`,
      'Copy the network name exactly as your router shows it.',
    );
  }
  if ([...input.ssid].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)) {
    throw new ProvisionError(
      'wifi-ssid-invalid',
      'The Wi-Fi name (SSID) contains a control character such as a line break.',
      'Remove stray line breaks or tabs; a trailing newline often sneaks in when the name is pasted.',
    );
  }
  const psk = input.psk;
  const isHexKey = /^[0-9a-fA-F]{64}$/.test(psk);
  if (!isHexKey) {
    if (psk.length < 8 || psk.length > 63) {
      throw new ProvisionError(
        'wifi-psk-invalid',
        `The Wi-Fi password is ${psk.length} characters long; WPA needs 8 to 63 characters (or a 64-digit hex key).`,
        psk.length > 63
          ? 'Check for a trailing newline in the password file.'
          : 'Check the password with your router.',
      );
    }
    if (!/^[\x20-\x7e]+$/.test(psk)) {
      throw new ProvisionError(
        'wifi-psk-invalid',
        'The Wi-Fi password has a character outside printable ASCII (such as an accent, emoji or line break).',
        'WPA passphrases may use only printable ASCII characters; check for a trailing newline in the password file.',
      );
    }
  }
  const country = input.country?.trim() ? input.country.trim().toUpperCase() : null;
  if (country !== null && !/^[A-Z]{2}$/.test(country)) {
    throw new ProvisionError(
      'wifi-country-invalid',
      `"${input.country}" is not a two-letter country code.`,
      'Use the ISO 3166 code of where the Pi runs, such as DE, GB or US.',
    );
  }
  return { ssid: input.ssid, psk, country };
}

/**
 * The file NetworkManager's `ensureProfiles.environmentFiles` reads through systemd `EnvironmentFile=`. Each value goes
 * through two parsers on the Pi, so it is escaped for both, innermost first:
 * 1. envsubst pastes it into an `.nmconnection` keyfile, which GLib parses: `\` starts an escape and spaces at either
 *    end are dropped — so `\` → `\\`, tab → `\t`, and edge spaces → `\s`;
 * 2. systemd reads `KEY="value"`: `"` and `\` are escaped (`$` needs nothing: env files are not expanded).
 */
export function renderNetworkManagerEnv(credentials: WifiCredentials): string {
  const lines = [`WIFI_SSID=${quote(credentials.ssid)}`, `WIFI_PSK=${quote(credentials.psk)}`];
  if (credentials.country) lines.push(`WIFI_COUNTRY=${quote(credentials.country)}`);
  return `${lines.join('\n')}\n`;
}

/** GLib keyfile string escaping (g_key_file_set_string's rules for what a value needs). */
export function escapeForKeyfile(value: string): string {
  const escaped = value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t');
  return escaped.replace(/^ /, '\\s').replace(/ $/, '\\s');
}

function quote(value: string): string {
  return `"${escapeForKeyfile(value).replace(/[\\"]/g, (ch) => `\\${ch}`)}"`;
}
