import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSdImage } from '../fixtures/sd-image.js';
import { makeSopsYaml } from '../fixtures/sops-file.js';
import { catFile, fsck, statFile } from '../helpers/debugfs-probe.js';

/** Provisioning end to end through the CLI exactly as users script it, checked with the real debugfs and e2fsck. */
const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'cli', 'companion.cjs');
const sopsFixtures = join(root, 'test', 'fixtures', 'sops');
const ROOT_OFFSET = 38 * 1024 * 1024;
const PSK = 'correct "horse" \\ battery $staple';

let dir: string;
let home: string;
let hostKeyFile: string;
let pskFile: string;

beforeAll(async () => {
  await stat(cli).catch(() => {
    throw new Error('dist/cli is missing: run `npm run build` (npm test does it).');
  });
  dir = await mkdtemp(join(tmpdir(), 'provision-it-'));
  home = join(dir, 'home');
  await mkdir(home);
  hostKeyFile = join(dir, 'host_key');
  spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'root@pi', '-f', hostKeyFile]);
  pskFile = join(dir, 'psk');
  await writeFile(pskFile, `${PSK}\n`, { mode: 0o600 });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function companion(args: string[], env: NodeJS.ProcessEnv = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { ...process.env, COMPANION_HOME: home, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function outputDir(name: string): Promise<string> {
  const out = join(dir, name);
  await mkdir(out);
  return out;
}

function fingerprintOf(pubFile: string): string {
  return spawnSync('ssh-keygen', ['-lf', pubFile]).stdout.toString().split(' ')[1]!;
}

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

  it('refuses a tampered SOPS file before writing anything', async () => {
    const fixture = await buildSdImage(await outputDir('f3'));
    const tampered = join(dir, 'tampered.yaml');
    const original = await readFile(join(sopsFixtures, 'secrets.yaml'), 'utf8');
    await writeFile(
      tampered,
      original.replace(/data:([A-Za-z0-9+/])/, (_m, c: string) => `data:${c === 'A' ? 'B' : 'A'}`),
    );
    const out = await outputDir('out3');
    const result = await companion([
      'provision-image',
      'pi',
      out,
      '--image',
      fixture.path,
      '--secrets',
      tampered,
      '--age-key',
      join(sopsFixtures, 'age-keys.txt'),
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/^error: .*(MAC|modified)/im);
    expect(result.stderr).toMatch(/^hint: /m);
    expect(await readdir(out)).toEqual([]);
  });

  it.each([
    ['a root that is not ext4', { root: 'vfat' as const }, /ext4/],
    ['a truncated image', { truncateBy: 8 * 1024 * 1024 }, /cut short|truncated/i],
  ])('refuses %s and leaves nothing behind', async (_name, options, message) => {
    const fixture = await buildSdImage(await outputDir(`f-${Math.random().toString(36).slice(2)}`), options);
    const out = await outputDir(`out-${Math.random().toString(36).slice(2)}`);
    const result = await companion([
      'provision-image',
      'pi',
      out,
      '--image',
      fixture.path,
      '--no-wifi',
      '--host-key',
      hostKeyFile,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.split('\n').filter((line) => line.startsWith('error: '))).toHaveLength(1);
    expect(await readdir(out)).toEqual([]);
  });

  it('fails on a corrupt zstd stream with nothing left behind', async () => {
    const fixture = await buildSdImage(await outputDir('f6'), {
      compress: 'zstd',
      corrupt: 'zstd',
      padMiB: 16,
    });
    const out = await outputDir('out6');
    const result = await companion([
      'provision-image',
      'pi',
      out,
      '--image',
      fixture.compressedPath!,
      '--no-wifi',
      '--host-key',
      hostKeyFile,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: The zstd image is damaged/m);
    expect(await readdir(out)).toEqual([]);
  });

  it('never reports success when the read-back disagrees (a debugfs that lies about modes)', async () => {
    const fixture = await buildSdImage(await outputDir('f7'));
    const fakeBin = join(dir, 'lying-bin');
    await mkdir(fakeBin);
    // Delegates to the real debugfs but reports every mode as 0644 in `stat`: the verification must catch it.
    await writeFile(
      join(fakeBin, 'debugfs'),
      '#!/bin/sh\n/usr/sbin/debugfs "$@" | sed -E "s/Mode: +0?[0-7]+/Mode:  0644/"\n',
    );
    await chmod(join(fakeBin, 'debugfs'), 0o755);
    const out = await outputDir('out7');
    const result = await companion(
      ['provision-image', 'pi', out, '--image', fixture.path, '--no-wifi', '--host-key', hostKeyFile],
      { PATH: `${fakeBin}:${process.env.PATH}` },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/ssh_host_ed25519_key\b.*mode/i);
    expect(await readdir(out)).toEqual([]);
  });

  it('refuses to overwrite an existing file unless --force', async () => {
    const fixture = await buildSdImage(await outputDir('f8'));
    const out = await outputDir('out8');
    const dest = join(out, 'pi.img');
    await copyFile(fixture.path, dest);
    const before = createHash('sha256')
      .update(await readFile(dest))
      .digest('hex');
    const refused = await companion(['provision-image', 'pi', dest, '--image', fixture.path, '--no-wifi']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/already exists/);
    expect(
      createHash('sha256')
        .update(await readFile(dest))
        .digest('hex'),
    ).toBe(before);
    const forced = await companion([
      'provision-image',
      'pi',
      dest,
      '--image',
      fixture.path,
      '--no-wifi',
      '--force',
    ]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/Host key: +SHA256:/);
  });

  it('validates the Wi-Fi password before doing any work', async () => {
    const fixture = await buildSdImage(await outputDir('f9'));
    const shortPsk = join(dir, 'short-psk');
    await writeFile(shortPsk, 'short\n');
    const out = await outputDir('out9');
    const result = await companion([
      'provision-image',
      'pi',
      out,
      '--image',
      fixture.path,
      '--wifi-ssid',
      'x',
      '--wifi-psk-file',
      shortPsk,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/8 to 63 characters/);
    expect(await readdir(out)).toEqual([]);
  });

  it('pins before placing the image: a failing pin leaves nothing at dest', async () => {
    const fixture = await buildSdImage(await outputDir('f10'));
    const badHome = await outputDir('bad-home');
    await writeFile(join(badHome, '.ssh'), 'not a folder');
    const out = await outputDir('out10');
    const result = await companion(
      ['provision-image', 'pi10', out, '--image', fixture.path, '--no-wifi', '--user-known-hosts'],
      { HOME: badHome },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: Could not pin the host key/m);
    expect(result.stderr).toMatch(/^hint: .*~\/\.ssh is a folder/m);
    expect(await readdir(out)).toEqual([]);
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
    expect([a, b].find((r) => r.code !== 0)!.stderr).toMatch(/already exists|appeared while provisioning/);
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
