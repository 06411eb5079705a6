import { describe, expect, it } from 'vitest';
import { defaultSecretKeyNames, HostProfile } from '../../../src/contract/index.js';
import { initialForm, toProvisionRequest, type ProvisionForm } from './provision-form.js';

const host = HostProfile.parse({
  name: 'pi-garage',
  imagePath: null,
  flakeDir: '/src/flake',
  sopsFile: '/src/secrets/pi-garage.yaml',
  secretKeys: defaultSecretKeyNames,
  wifiCountry: 'DE',
  pinnedHostKey: null,
  lastProvision: null,
});

const form = (patch: Partial<ProvisionForm>): ProvisionForm => ({ ...initialForm(host), ...patch });

describe('toProvisionRequest', () => {
  it('starts from the host profile: its flake, its SOPS file, its country', () => {
    expect(toProvisionRequest(form({ dest: ' /out ' }))).toEqual({
      host: 'pi-garage',
      dest: '/out',
      imagePath: undefined,
      flakeDir: '/src/flake',
      sopsFile: '/src/secrets/pi-garage.yaml',
      ageKeyFile: undefined,
      wifiSsid: undefined,
      wifiPsk: undefined,
      wifiCountry: 'DE',
      hostKeyFile: undefined,
      noWifi: false,
      pinToUserKnownHosts: false,
      overwrite: false,
    });
  });

  it('drops the flake folder once a source image is given, and trims paths', () => {
    const request = toProvisionRequest(form({ imagePath: '  /img/pi.img.zst ', hostKeyFile: ' /k ' }));
    expect(request.imagePath).toBe('/img/pi.img.zst');
    expect(request.flakeDir).toBeUndefined();
    expect(request.hostKeyFile).toBe('/k');
  });

  it('sends typed Wi-Fi as typed and no SOPS fields left over from the other choice', () => {
    const request = toProvisionRequest(
      form({ secretsFrom: 'typed', ssid: ' Home ', psk: ' pass word ', ageKeyFile: '/age' }),
    );
    expect(request).toMatchObject({ wifiSsid: ' Home ', wifiPsk: ' pass word ', noWifi: false });
    expect(request.sopsFile).toBeUndefined();
    expect(request.ageKeyFile).toBeUndefined();
  });

  it('sends no Wi-Fi at all for Ethernet, not even the country', () => {
    const request = toProvisionRequest(form({ secretsFrom: 'none', ssid: 'x', psk: 'y' }));
    expect(request).toMatchObject({ noWifi: true, wifiCountry: undefined, wifiSsid: undefined });
    expect(request.wifiPsk).toBeUndefined();
    expect(request.sopsFile).toBeUndefined();
  });

  it('turns blank optional fields into "not given" and passes the checkboxes through', () => {
    const request = toProvisionRequest(
      form({ ageKeyFile: '   ', country: ' ', overwrite: true, pinToUserKnownHosts: true }),
    );
    expect(request).toMatchObject({ ageKeyFile: undefined, wifiCountry: undefined });
    expect(request).toMatchObject({ overwrite: true, pinToUserKnownHosts: true });
  });
});

describe('initialForm', () => {
  it('starts from what the host was last provisioned with: source image, output folder, age key', () => {
    const remembered = HostProfile.parse({
      ...host,
      imagePath: '/img/pi.img.zst',
      outputDir: '/out',
      ageKeyFile: '/home/me/age.txt',
    });
    expect(initialForm(remembered)).toMatchObject({
      imagePath: '/img/pi.img.zst',
      dest: '/out',
      ageKeyFile: '/home/me/age.txt',
      secretsFrom: 'sops',
    });
  });
});
