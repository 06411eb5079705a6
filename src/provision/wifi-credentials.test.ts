import { describe, expect, it } from 'vitest';
import { renderNetworkManagerEnv, validateWifiCredentials } from './wifi-credentials.js';

describe('validateWifiCredentials', () => {
  it.each([
    ['a', 'password'],
    ['x'.repeat(32), 'password'],
    ['Café 🏠', 'password'], // 11 bytes of UTF-8
    ['home', 'p'.repeat(63)],
    ['home', 'a'.repeat(64).replace(/a/g, 'f')], // 64 hex digits: a raw PSK
    ['home', ' !"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'],
  ])('accepts SSID %j with PSK %j', (ssid, psk) => {
    expect(validateWifiCredentials({ ssid, psk })).toEqual({ ssid, psk, country: null });
  });

  it.each([
    ['', 'password', /0 bytes/],
    ['x'.repeat(33), 'password', /33 bytes/],
    ['ü'.repeat(17), 'password', /34 bytes/],
    ['home\n', 'password', /control character/],
    ['home', 'short', /5 characters/],
    ['home', 'p'.repeat(64), /64 characters/], // 64 but not hex
    ['home', 'pässword', /printable ASCII/],
    ['home', 'password\n', /printable ASCII/],
  ])('refuses SSID %j / PSK %j', (ssid, psk, message) => {
    expect(() => validateWifiCredentials({ ssid, psk })).toThrow(message);
  });

  it('normalises and checks the country code', () => {
    expect(validateWifiCredentials({ ssid: 'a', psk: 'password', country: ' de ' }).country).toBe('DE');
    expect(() => validateWifiCredentials({ ssid: 'a', psk: 'password', country: 'DEU' })).toThrow(
      /two-letter/,
    );
  });
});

describe('renderNetworkManagerEnv', () => {
  it('escapes for the GLib keyfile first, then quotes for systemd', () => {
    expect(renderNetworkManagerEnv({ ssid: 'My "Home" \\ $NET', psk: 'pa$$\\w"rd', country: 'DE' })).toBe(
      'WIFI_SSID="My \\"Home\\" \\\\\\\\ $NET"\nWIFI_PSK="pa$$\\\\\\\\w\\"rd"\nWIFI_COUNTRY="DE"\n',
    );
  });

  it('leaves the country out when not given', () => {
    expect(renderNetworkManagerEnv({ ssid: 'a', psk: 'password', country: null })).toBe(
      'WIFI_SSID="a"\nWIFI_PSK="password"\n',
    );
  });

  // What the Pi does with the file: systemd's EnvironmentFile= parser, envsubst into the keyfile, GLib's unescape.
  const systemdValue = (line: string) => /^\w+="(.*)"$/.exec(line)![1]!.replace(/\\(["\\$`])/g, '$1');
  const glibUnescape = (value: string) =>
    value.replace(
      /\\([stnr\\])/g,
      (_m, c: string) => ({ s: ' ', t: '\t', n: '\n', r: '\r', '\\': '\\' })[c]!,
    );

  it.each([
    'plain-password',
    ' leading and trailing spaces ',
    'back\\slash \\s and \\\\ pairs',
    'quotes "double" and \'single\'',
    '$HOME ${X} `cmd` ; # = [group]',
  ])('NetworkManager gets back exactly %j', (psk) => {
    const [, pskLine] = renderNetworkManagerEnv({ ssid: 'x', psk, country: null }).split('\n');
    expect(glibUnescape(systemdValue(pskLine!))).toBe(psk);
  });
});
