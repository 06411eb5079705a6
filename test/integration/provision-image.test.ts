import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_OFFSET, buildSdImage } from '../fixtures/sd-image.js';
import { makeSopsYaml } from '../fixtures/sops-file.js';
import { catFile, fsck, statFile } from '../helpers/debugfs-probe.js';
import {
  PSK,
  fingerprintOf,
  makeOutputDir,
  makeProvisionWorkspace,
  runCompanion,
  sopsFixtures,
} from '../helpers/provision-cli.js';

// Provisioning end to end through the CLI exactly as users script it, checked with the real debugfs and e2fsck.
let dir: string;
let home: string;
let hostKeyFile: string;
let pskFile: string;

beforeAll(async () => {
  ({ dir, home, hostKeyFile, pskFile } = await makeProvisionWorkspace());
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const companion = (args: string[], env: NodeJS.ProcessEnv = {}) => runCompanion(home, args, env);
const outputDir = (name: string) => makeOutputDir(dir, name);

describe('companion provision-image', () => {
  it('writes the three files under /var/lib with exact bytes, modes and owners, and reports them', async () => {
    const fixture = await buildSdImage(await outputDir('f1'));
    const out = await outputDir('out1');
    const result = await companion([
      'provision-image',
      'pi',
      out,
      '--image',
      fixture.path,
      '--wifi-ssid',
      'Home "Net"',
      '--wifi-psk-file',
      pskFile,
      '--wifi-country',
      'de',
      '--host-key',
      hostKeyFile,
      '--json',
    ]);
    expect(result.stderr).not.toContain(PSK);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    const image = join(out, 'pi.img');
    expect(json.image).toBe(image);
    // No whole-image digest: flashing hashes what it writes and recognises the image by its host key.
    expect(json).not.toHaveProperty('sha256');
    expect(json.sizeBytes).toBe((await stat(image)).size);
    expect((await stat(image)).mode & 0o777).toBe(0o600);
    expect(json.hostKeyFingerprint).toBe(fingerprintOf(`${hostKeyFile}.pub`));
    expect(json.ageRecipient).toMatch(/^age1[0-9a-z]{58}$/);

    // Checked with debugfs itself, not with the app's reader.
    const key = await readFile(hostKeyFile);
    expect(catFile(image, ROOT_OFFSET, '/var/lib/bootstrap/ssh_host_ed25519_key').equals(key)).toBe(true);
    const pub = (await readFile(`${hostKeyFile}.pub`, 'utf8')).trim().split(' ').slice(0, 2).join(' ');
    expect(catFile(image, ROOT_OFFSET, '/var/lib/bootstrap/ssh_host_ed25519_key.pub').toString()).toContain(
      pub,
    );
    expect(catFile(image, ROOT_OFFSET, '/var/lib/networkmanager/system-connections.env').toString()).toBe(
      'WIFI_SSID="Home \\"Net\\""\nWIFI_PSK="correct \\"horse\\" \\\\\\\\ battery $staple"\nWIFI_COUNTRY="DE"\n',
    );
    expect(statFile(image, ROOT_OFFSET, '/var/lib/bootstrap/ssh_host_ed25519_key')).toMatchObject({
      mode: 0o600,
      uid: 0,
      gid: 0,
    });
    expect(statFile(image, ROOT_OFFSET, '/var/lib/bootstrap/ssh_host_ed25519_key.pub')).toMatchObject({
      mode: 0o644,
      uid: 0,
      gid: 0,
    });
    expect(statFile(image, ROOT_OFFSET, '/var/lib/networkmanager/system-connections.env')).toMatchObject({
      mode: 0o600,
      uid: 0,
      gid: 0,
    });
    for (const d of ['/var', '/var/lib', '/var/lib/bootstrap', '/var/lib/networkmanager']) {
      expect(statFile(image, ROOT_OFFSET, d), d).toMatchObject({
        type: 'directory',
        mode: 0o755,
        uid: 0,
        gid: 0,
      });
    }
    expect(statFile(image, ROOT_OFFSET, '/etc/ssh')).toBeNull(); // nothing went to /etc
    expect(fsck(image, ROOT_OFFSET).status).toBe(0);
    expect(json.files.map((f: { path: string; mode: number }) => [f.path, f.mode])).toEqual([
      ['/var/lib/bootstrap/ssh_host_ed25519_key', 0o600],
      ['/var/lib/bootstrap/ssh_host_ed25519_key.pub', 0o644],
      ['/var/lib/networkmanager/system-connections.env', 0o600],
    ]);

    // OpenSSH itself finds the pin under both names.
    for (const name of ['pi', 'pi.local']) {
      const found = spawnSync('ssh-keygen', ['-F', name, '-f', join(home, 'known_hosts')]).stdout.toString();
      expect(found, name).toContain(pub);
    }
    expect(await readdir(out)).toEqual(['pi.img']); // no temp files left behind
  });

  it('takes Wi-Fi and the host key from a SOPS file, from a .zst with a GPT table and existing /var/lib', async () => {
    const fixture = await buildSdImage(await outputDir('f2'), {
      table: 'gpt',
      varLib: true,
      existingBootstrap: true,
      compress: 'zstd',
    });
    const identity = (await readFile(join(sopsFixtures, 'age-keys.txt'), 'utf8')).match(
      /AGE-SECRET-KEY-1\w+/,
    )![0];
    const recipient = 'age1yt3tfqlfrwdwx0z0ynwplcr6qxcxfaqycuprpmy89nr83ltx74tqdpszlw';
    const sopsFile = join(dir, 'pi.sops.yaml');
    const hostKey = await readFile(hostKeyFile, 'utf8');
    await writeFile(
      sopsFile,
      makeSopsYaml(
        { wifi_ssid: 'Attic', wifi_psk: 'sops-psk-123', ssh_host_ed25519_key: hostKey },
        recipient,
      ),
    );
    const ageKey = join(dir, 'keys.txt');
    await writeFile(ageKey, `${identity}\n`, { mode: 0o600 });
    const out = await outputDir('out2');
    const result = await companion(
      [
        'provision-image',
        'attic',
        join(out, 'custom.img'),
        '--image',
        fixture.compressedPath!,
        '--secrets',
        sopsFile,
        '--json',
      ],
      { SOPS_AGE_KEY_FILE: ageKey },
    );
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.hostKeyFingerprint).toBe(fingerprintOf(`${hostKeyFile}.pub`));
    const image = join(out, 'custom.img');
    const rootOffset = fixture.rootOffset;
    expect(catFile(image, rootOffset, '/var/lib/networkmanager/system-connections.env').toString()).toBe(
      'WIFI_SSID="Attic"\nWIFI_PSK="sops-psk-123"\n',
    );
    expect(catFile(image, rootOffset, '/var/lib/bootstrap/ssh_host_ed25519_key').toString()).toBe(hostKey);
    expect(statFile(image, rootOffset, '/var/lib/bootstrap/ssh_host_ed25519_key')).toMatchObject({
      mode: 0o600,
      uid: 0,
    });
    expect(fsck(image, rootOffset).status).toBe(0);
  });

  it('lets only one of two racing runs claim the same new file', async () => {
    const fixture = await buildSdImage(await outputDir('f11'), { padMiB: 32 });
    const out = await outputDir('out11');
    const dest = join(out, 'race.img');
    const args = (host: string) => [
      'provision-image',
      host,
      dest,
      '--image',
      fixture.path,
      '--no-wifi',
      '--json',
    ];
    const [a, b] = await Promise.all([companion(args('race-a')), companion(args('race-b'))]);
    const winners = [a, b].filter((r) => r.code === 0);
    expect(winners).toHaveLength(1);
    expect([a, b].find((r) => r.code !== 0)!.stderr).toMatch(
      /already exists|appeared while provisioning|is already being provisioned by another window/,
    );
    const json = JSON.parse(winners[0]!.stdout);
    // The image at dest is the winner's: it holds the host key the winner reported.
    const pubFile = join(dir, 'race-winner.pub');
    await writeFile(pubFile, catFile(dest, ROOT_OFFSET, '/var/lib/bootstrap/ssh_host_ed25519_key.pub'));
    expect(fingerprintOf(pubFile)).toBe(json.hostKeyFingerprint);
    expect(await readdir(out)).toEqual(['race.img']);
  });

  it('prints every digest with --json but keeps no digest of the Wi-Fi file in settings', async () => {
    const fixture = await buildSdImage(await outputDir('f12'));
    const out = await outputDir('out12');
    const result = await companion([
      'provision-image',
      'pi12',
      out,
      '--image',
      fixture.path,
      '--wifi-ssid',
      'Known',
      '--wifi-psk-file',
      pskFile,
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const wifi = '/var/lib/networkmanager/system-connections.env';
    const printed = JSON.parse(result.stdout).files.find((f: { path: string }) => f.path === wifi);
    expect(printed.sha256).toBe(
      createHash('sha256')
        .update(catFile(join(out, 'pi12.img'), ROOT_OFFSET, wifi))
        .digest('hex'),
    );
    const settings = await readFile(join(home, 'settings.json'), 'utf8');
    expect(settings).not.toContain(printed.sha256);
    // Nor does the task's result, kept with the history for others to read.
    const results = (await readdir(join(home, 'tasks'))).filter((f) => f.endsWith('.result.json'));
    expect(results.length).toBeGreaterThan(0);
    for (const file of results)
      expect(await readFile(join(home, 'tasks', file), 'utf8')).not.toContain(printed.sha256);
    expect(settings).not.toContain(PSK);
    const saved = JSON.parse(settings).hosts.find((h: { name: string }) => h.name === 'pi12');
    expect(saved.lastProvision.files.find((f: { path: string }) => f.path === wifi).sha256).toBeNull();
  });

  it('without --image builds the sdImage with nix (a stand-in nix: the real one is not installable here)', async () => {
    const fixture = await buildSdImage(await outputDir('f13'), { compress: 'zstd' });
    const store = await outputDir('store-out');
    await mkdir(join(store, 'sd-image'));
    await copyFile(fixture.compressedPath!, join(store, 'sd-image', 'nixos-sd-image-pi13.img.zst'));
    const flake = await outputDir('flake13');
    await writeFile(join(flake, 'flake.nix'), '{ }\n');
    const bin = await outputDir('nix-bin');
    await writeFile(
      join(bin, 'nix'),
      `#!/bin/sh\nprintf '%s\\n' "$@" > "${join(bin, 'argv')}"\necho "building sd image" >&2\necho "${store}"\n`,
    );
    await chmod(join(bin, 'nix'), 0o755);
    const out = await outputDir('out13');
    const result = await companion(
      ['provision-image', 'pi13', out, '--flake', flake, '--no-wifi', '--json'],
      {
        PATH: `${bin}:${process.env.PATH}`,
      },
    );
    expect(result.code, result.stderr).toBe(0);
    expect((await readFile(join(bin, 'argv'), 'utf8')).split('\n')).toEqual(
      expect.arrayContaining([
        'build',
        `${flake}#nixosConfigurations.pi13.config.system.build.sdImage`,
        '--print-out-paths',
      ]),
    );
    expect(
      statFile(join(out, 'pi13.img'), ROOT_OFFSET, '/var/lib/bootstrap/ssh_host_ed25519_key'),
    ).toMatchObject({ mode: 0o600 });
  });
});
