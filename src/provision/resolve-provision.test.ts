import { generateIdentity } from 'age-encryption';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIB, mbr } from '../../test/fixtures/partition-tables.js';
import { rejection } from '../../test/helpers/rejection.js';
import {
  HostProfile,
  defaultSecretKeyNames,
  type ProvisionRequest,
  type SecretKeyNames,
} from '../contract/index.js';
import { findTool } from '../tools/find-tool.js';
import { ProvisionError } from './provision-errors.js';
import { resolveProvision, type ResolveDeps } from './resolve-provision.js';

// Every refusal of the checks that run before any expensive work: its code, and a hint that says what to do.
// The real sops-made files are read in place (never modified); no nix, sops or image tools run.
const SOPS = join(import.meta.dirname, '../../test/fixtures/sops');
const SECRETS = join(SOPS, 'secrets.yaml');
const AGE_KEY = join(SOPS, 'age-keys.txt');

const hasNix = await findTool('nix').then(
  () => true,
  () => false,
);

let dir: string;
let image: string;
/** No age key anywhere but where a test says: the user's own keys must not decide a test. */
let deps: ResolveDeps;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'resolve-provision-'));
  image = join(dir, 'source.img');
  await writeFile(image, mbr([{ slot: 1, type: 0x0c, start: 2048, sectors: 2048 }], 2 * MIB));
  const home = join(dir, 'home');
  await mkdir(home);
  deps = { env: {}, platform: 'linux', home };
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function request(overrides: Partial<ProvisionRequest> = {}): ProvisionRequest {
  return { host: 'pi', dest: join(dir, 'out.img'), imagePath: image, noWifi: true, ...overrides };
}

function profile(overrides: { flakeDir?: string; secretKeys?: Partial<SecretKeyNames> } = {}): HostProfile {
  return HostProfile.parse({
    name: 'pi',
    flakeDir: overrides.flakeDir ?? null,
    imagePath: null,
    sopsFile: null,
    secretKeys: { ...defaultSecretKeyNames, ...overrides.secretKeys },
    wifiCountry: null,
    pinnedHostKey: null,
    lastProvision: null,
  });
}

/** The refusal of resolving `req`, checked to be a ProvisionError with `code` and a hint matching `hint`. */
async function refusal(req: ProvisionRequest, code: string, hint: RegExp, host: HostProfile | null = null) {
  const error = await rejection(resolveProvision(req, host, deps));
  expect(error).toBeInstanceOf(ProvisionError);
  expect(error.code).toBe(code);
  expect(error.hint).toMatch(hint);
  return error;
}

describe('resolveProvision: the image source', () => {
  it('refuses an image path that does not exist', async () => {
    const missing = join(dir, 'nope.img');
    const error = await refusal(
      request({ imagePath: missing }),
      'provision-image-missing',
      /Choose an \.img/,
    );
    expect(error.message).toContain(missing);
  });

  it('refuses an image path that is a folder', async () => {
    await refusal(request({ imagePath: dir }), 'provision-image-missing', /leave the image empty/);
  });

  it('refuses a request with neither an image nor a flake', async () => {
    const error = await refusal(request({ imagePath: undefined }), 'provision-no-source', /flake folder/);
    expect(error.message).toContain('pi');
  });

  it('refuses a flake folder without flake.nix, also when the profile names it', async () => {
    const empty = await mkdtemp(join(dir, 'flake-'));
    const asked = await refusal(
      request({ imagePath: undefined, flakeDir: empty }),
      'provision-flake-missing',
      /holds your flake\.nix/,
    );
    expect(asked.message).toBe(`${empty} has no flake.nix.`);
    await refusal(
      request({ imagePath: undefined }),
      'provision-flake-missing',
      /flake\.nix/,
      profile({ flakeDir: empty }),
    );
  });

  it.skipIf(hasNix)('refuses to build from a flake without nix, naming what to install', async () => {
    const flake = await mkdtemp(join(dir, 'flake-'));
    await writeFile(join(flake, 'flake.nix'), '{ }\n');
    const error = await rejection(
      resolveProvision(request({ imagePath: undefined, flakeDir: flake }), null, deps),
    );
    expect(error.code).toBe('missing-tool');
    expect(error.hint).toMatch(/nix/i);
  });
});

describe('resolveProvision: the destination', () => {
  it('refuses a destination that exists and is not a regular file', async () => {
    const folder = await mkdtemp(join(dir, 'dest-'));
    await mkdir(join(folder, 'pi.img'));
    const error = await refusal(request({ dest: folder }), 'provision-dest-invalid', /Choose a file path/);
    expect(error.message).toBe(`${join(folder, 'pi.img')} exists and is not a regular file.`);
    await refusal(request({ dest: '/dev/null', overwrite: true }), 'provision-dest-invalid', /file path/);
  });

  it('refuses an existing file unless replacing it was allowed', async () => {
    const dest = join(dir, 'existing.img');
    await writeFile(dest, 'old image');
    const error = await refusal(
      request({ dest }),
      'provision-dest-exists',
      /another name.*allow replacing it\.$/,
    );
    expect(error.cliHint).toMatch(/--force/);
    expect(error.message).toBe(`${dest} already exists.`);
    await expect(resolveProvision(request({ dest, overwrite: true }), null, deps)).resolves.toMatchObject({
      dest,
      overwrite: true,
    });
  });

  it('refuses a "?" in the output path, which debugfs cannot open', async () => {
    const error = await refusal(
      request({ dest: join(dir, 'what?.img') }),
      'provision-dest-invalid',
      /without "\?"/,
    );
    expect(error.message).toContain('debugfs');
  });

  it('refuses to write over the source image, also through a folder', async () => {
    await refusal(request({ dest: image, overwrite: true }), 'provision-dest-is-source', /new file/);
    const folder = await mkdtemp(join(dir, 'same-'));
    const inFolder = join(folder, 'pi.img');
    await writeFile(inFolder, mbr([{ slot: 1, type: 0x83, start: 2048, sectors: 2048 }], 2 * MIB));
    await refusal(
      request({ dest: folder, imagePath: inFolder, overwrite: true }),
      'provision-dest-is-source',
      /source stays untouched/,
    );
  });

  it('refuses a destination folder it cannot write into', async () => {
    const gone = join(dir, 'no-such-folder');
    const error = await refusal(
      request({ dest: join(gone, 'pi.img') }),
      'provision-dest-unwritable',
      /can write to/,
    );
    expect(error.message).toBe(`Cannot write into ${gone}.`);
  });
});

describe('resolveProvision: the SOPS file', () => {
  it('refuses a SOPS file when no age key is found, saying where it looked', async () => {
    const error = await rejection(resolveProvision(request({ sopsFile: SECRETS }), null, deps));
    expect(error.code).toBe('age-identity-missing');
    expect(error.message).toContain(join(deps.home!, '.config/sops/age/keys.txt'));
    expect(error.cliHint).toMatch(/--age-key/);
    expect(error.hint).not.toContain('--');
  });

  it('refuses an age key that is not a recipient of the file', async () => {
    const other = join(dir, 'other-age-key.txt');
    await writeFile(other, `${await generateIdentity()}\n`);
    const error = await rejection(
      resolveProvision(request({ sopsFile: SECRETS, ageKeyFile: other }), null, deps),
    );
    expect(error.code).toBe('sops-no-matching-key');
    expect(error.hint).not.toBe('');
  });

  it('reads the file with the right key (the baseline of the refusals below)', async () => {
    const resolved = await resolveProvision(request({ sopsFile: SECRETS, ageKeyFile: AGE_KEY }), null, deps);
    expect(resolved.sopsKeysFound).toContain('test_key');
    expect(resolved.warnings.join('\n')).toMatch(/new host key will be generated/);
  });

  it('refuses a list where a secret should be text', async () => {
    const req = request({
      sopsFile: SECRETS,
      ageKeyFile: AGE_KEY,
      noWifi: false,
      wifiPsk: 'long enough psk',
    });
    const error = await refusal(
      req,
      'provision-secret-type',
      /Store a_list as a single string/,
      profile({ secretKeys: { wifiSsid: 'a_list' } }),
    );
    expect(error.message).toBe('"a_list" in secrets.yaml is a list, not a text value.');
  });
});

describe('resolveProvision: Wi-Fi', () => {
  it('refuses missing Wi-Fi details unless "no Wi-Fi" was chosen', async () => {
    const error = await refusal(request({ noWifi: false }), 'provision-wifi-missing', /choose “no Wi-Fi”/);
    expect(error.message).toMatch(/Wi-Fi name \(SSID\) and Wi-Fi password/);
  });

  it('names the SOPS file and the keys it looked for', async () => {
    const req = request({
      sopsFile: SECRETS,
      ageKeyFile: AGE_KEY,
      noWifi: false,
      wifiPsk: 'long enough psk',
    });
    const error = await refusal(req, 'provision-wifi-missing', /SOPS file/);
    expect(error.message).toBe(
      'The Wi-Fi name (SSID) is neither given nor in secrets.yaml (looked for "wifi_ssid" and "wifi_psk").',
    );
  });

  it('refuses a Wi-Fi password that WPA2 would not take', async () => {
    await refusal(request({ noWifi: false, wifiSsid: 'Home', wifiPsk: 'short' }), 'wifi-psk-invalid', /./);
  });
});

describe('resolveProvision: the host key', () => {
  it('refuses a host key file it cannot read', async () => {
    const missing = join(dir, 'no-key');
    const error = await refusal(
      request({ hostKeyFile: missing }),
      'provision-input-unreadable',
      /Check the path/,
    );
    expect(error.message).toContain(`The host key file ${missing}`);
  });

  it('refuses a host key file that is no OpenSSH ed25519 key', async () => {
    const garbage = join(dir, 'garbage-key');
    await writeFile(garbage, 'not a key\n');
    const error = await refusal(
      request({ hostKeyFile: garbage }),
      'provision-host-key-invalid',
      /ssh-keygen -t ed25519/,
    );
    expect(error.message).toContain(`The host key from ${garbage} is not usable`);
  });

  it('refuses a host key from the SOPS file that is no key, naming the entry', async () => {
    const req = request({ sopsFile: SECRETS, ageKeyFile: AGE_KEY });
    const error = await refusal(
      req,
      'provision-host-key-invalid',
      /leave it out to generate one/,
      profile({ secretKeys: { hostKey: 'test_key' } }),
    );
    expect(error.message).toContain('The host key from "test_key" in secrets.yaml is not usable');
  });

  it('takes a valid host key file (the baseline of the refusals above)', async () => {
    const resolved = await resolveProvision(
      request({ hostKeyFile: join(SOPS, 'ssh-ed25519-key') }),
      null,
      deps,
    );
    expect(resolved.hostKeyOrigin).toBe('file');
  });
});
