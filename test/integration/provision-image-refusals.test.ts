import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSdImage } from '../fixtures/sd-image.js';
import {
  makeOutputDir,
  makeProvisionWorkspace,
  runCompanion,
  sopsFixtures,
} from '../helpers/provision-cli.js';

// What provision-image refuses through the CLI, and that a refused run leaves nothing at its destination.
let dir: string;
let home: string;
let hostKeyFile: string;

beforeAll(async () => {
  ({ dir, home, hostKeyFile } = await makeProvisionWorkspace());
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const companion = (args: string[], env: NodeJS.ProcessEnv = {}) => runCompanion(home, args, env);
const outputDir = (name: string) => makeOutputDir(dir, name);

describe('companion provision-image', () => {
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
});
