import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MissingToolError,
  createSearchContext,
  findTool,
  locateProgram,
  locateTool,
  platformDirs,
  realFiles,
  type SearchContext,
} from './find-tool.js';
import { toolEntry } from './tool-catalog.js';

let root: string;

async function fakeProgram(dir: string, name: string, mode = 0o755): Promise<string> {
  const file = path.join(root, dir, name);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, '#!/bin/sh\nexit 0\n');
  await chmod(file, mode);
  return file;
}

/** A search confined to the temp dir: nothing from the real machine leaks in. */
function search(overrides: Partial<SearchContext> = {}): Partial<SearchContext> {
  return { platform: 'linux', homeDir: path.join(root, 'home'), fallbackDirs: [], env: {}, ...overrides };
}

const dirs = (...names: string[]) => names.map((name) => path.join(root, name)).join(path.delimiter);

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'find-tool-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('locateProgram', () => {
  it('returns the first executable in PATH order', async () => {
    await fakeProgram('b', 'zstd');
    const first = await fakeProgram('a', 'zstd');
    const ctx = createSearchContext(search({ env: { PATH: dirs('a', 'b') } }));
    expect(await locateProgram('zstd', ctx)).toBe(first);
  });

  it('skips non-executable files and directories of the same name', async () => {
    await fakeProgram('a', 'borg', 0o644);
    await mkdir(path.join(root, 'b', 'borg'), { recursive: true });
    const real = await fakeProgram('c', 'borg');
    const ctx = createSearchContext(search({ env: { PATH: dirs('a', 'b', 'c') } }));
    expect(await locateProgram('borg', ctx)).toBe(real);
    expect(await realFiles.isExecutableFile(path.join(root, 'a', 'borg'))).toBe(false);
  });

  it('follows symlinks to executables, as /usr/bin/keytool → /etc/alternatives → JDK', async () => {
    const target = await fakeProgram('jdk/bin', 'keytool');
    await mkdir(path.join(root, 'bin'));
    await symlink(target, path.join(root, 'bin', 'keytool'));
    const ctx = createSearchContext(search({ env: { PATH: dirs('bin') } }));
    expect(await locateProgram('keytool', ctx)).toBe(path.join(root, 'bin', 'keytool'));
  });

  it('returns null when nothing matches', async () => {
    await fakeProgram('a', 'xz', 0o600);
    expect(await locateProgram('xz', createSearchContext(search({ env: { PATH: dirs('a') } })))).toBeNull();
  });

  it('searches the fallback dirs after PATH', async () => {
    const sbin = await fakeProgram('sbin', 'debugfs');
    const inPath = await fakeProgram('bin', 'debugfs');
    const only = createSearchContext(
      search({ env: { PATH: dirs('usr') }, fallbackDirs: [path.join(root, 'sbin')] }),
    );
    expect(await locateProgram('debugfs', only)).toBe(sbin);
    const both = createSearchContext(
      search({ env: { PATH: dirs('bin') }, fallbackDirs: [path.join(root, 'sbin')] }),
    );
    expect(await locateProgram('debugfs', both)).toBe(inPath);
  });

  it('never searches empty or relative PATH entries (the current directory)', async () => {
    const probed: string[] = [];
    const files = { isExecutableFile: async (f: string) => (probed.push(f), false), listDir: async () => [] };
    const ctx = createSearchContext(search({ env: { PATH: `:relative${path.delimiter}/abs` }, files }));
    expect(await locateProgram('age', ctx)).toBeNull();
    expect(probed).toEqual(['/abs/age']);
  });
});

describe('platform dirs', () => {
  it('adds sbin on Linux, where debugfs lives but desktop PATHs lack it', () => {
    expect(platformDirs('linux', '/home/u')).toEqual(expect.arrayContaining(['/usr/sbin', '/sbin']));
  });

  it('adds the NixOS wrappers, system, user and default profiles, under the system root it is given', () => {
    expect(platformDirs('linux', '/home/u', '/', 'u')).toEqual(
      expect.arrayContaining([
        '/run/wrappers/bin',
        '/run/current-system/sw/bin',
        '/home/u/.nix-profile/bin',
        '/etc/profiles/per-user/u/bin',
        '/nix/var/nix/profiles/default/bin',
      ]),
    );
    expect(platformDirs('linux', '/home/u', '/tmp/x')).toContain('/tmp/x/run/current-system/sw/bin');
    expect(platformDirs('linux', '/home/u', '/tmp/x')).not.toContain('/usr/sbin');
  });

  it('adds Homebrew, keg-only e2fsprogs and Nix profiles on macOS', () => {
    expect(platformDirs('darwin', '/Users/u')).toEqual(
      expect.arrayContaining([
        '/opt/homebrew/bin',
        '/usr/local/bin',
        '/opt/homebrew/opt/e2fsprogs/sbin',
        '/usr/local/opt/e2fsprogs/sbin',
        '/nix/var/nix/profiles/default/bin',
        '/Users/u/.nix-profile/bin',
      ]),
    );
    expect(platformDirs('darwin', '/Users/u')).not.toContain('/usr/sbin');
  });
});

describe('tool-specific places', () => {
  it('finds apksigner in the newest Android SDK build-tools', async () => {
    await fakeProgram('sdk/build-tools/9.0.0', 'apksigner');
    await fakeProgram('sdk/build-tools/30.0.3', 'apksigner');
    const newest = await fakeProgram('sdk/build-tools/34.0.0', 'apksigner');
    const ctx = createSearchContext(search({ env: { ANDROID_HOME: path.join(root, 'sdk') } }));
    expect(await locateTool(toolEntry('apksigner'), ctx)).toBe(newest);
  });

  it('also honours ANDROID_SDK_ROOT, and skips unset variables', async () => {
    const found = await fakeProgram('other-sdk/build-tools/33.0.1', 'apksigner');
    const ctx = createSearchContext(search({ env: { ANDROID_SDK_ROOT: path.join(root, 'other-sdk') } }));
    expect(await locateTool(toolEntry('apksigner'), ctx)).toBe(found);
    expect(await locateTool(toolEntry('apksigner'), createSearchContext(search()))).toBeNull();
  });

  it('prefers $JAVA_HOME/bin over a keytool stub on PATH', async () => {
    await fakeProgram('bin', 'keytool');
    const jdk = await fakeProgram('jdk/bin', 'keytool');
    const ctx = createSearchContext(
      search({ env: { PATH: dirs('bin'), JAVA_HOME: path.join(root, 'jdk') } }),
    );
    expect(await locateTool(toolEntry('keytool'), ctx)).toBe(jdk);
  });
});

describe('findTool', () => {
  it('returns the absolute path', async () => {
    const file = await fakeProgram('bin', 'e2fsck');
    expect(await findTool('e2fsck', search({ env: { PATH: dirs('bin') } }))).toBe(file);
  });

  it('throws MissingToolError naming the tool and feature, with the apt command as hint', async () => {
    await fakeProgram('bin', 'apt-get');
    const error = await findTool('debugfs', search({ env: { PATH: dirs('bin') } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingToolError);
    expect(error).toMatchObject({
      code: 'missing-tool',
      tool: 'debugfs',
      hint: 'sudo apt-get install e2fsprogs',
    });
    expect((error as Error).message).toMatch(/debugfs.*Provision/);
  });

  it('names every feature and the brew command on macOS', async () => {
    await fakeProgram('bin', 'brew');
    const error = await findTool(
      'ssh-keygen',
      search({ platform: 'darwin', env: { PATH: dirs('bin') } }),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ hint: 'brew install openssh' });
    expect((error as Error).message).toContain('Provision, First boot and Backups');
  });
});
