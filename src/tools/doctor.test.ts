import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DoctorReport } from '../contract/index.js';
import { assessVersion, readJdkVersion, runDoctor, type DoctorOptions } from './doctor.js';
import { toolEntry } from './tool-catalog.js';

let root: string;
let bin: string;

async function fakeTool(name: string, script: string, dir = bin): Promise<string> {
  const file = path.join(dir, name);
  await mkdir(dir, { recursive: true });
  await writeFile(file, `#!/bin/sh\n${script}\n`);
  await chmod(file, 0o755);
  return file;
}

/** A doctor that sees only the fake tools in `bin`. */
function doctor(options: DoctorOptions = {}) {
  return runDoctor({
    packageManager: 'apt',
    ...options,
    search: { platform: 'linux', env: { PATH: bin }, homeDir: root, fallbackDirs: [], ...options.search },
  });
}

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'doctor-'));
  bin = path.join(root, 'bin');
  await mkdir(bin);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('assessVersion', () => {
  const debugfs = toolEntry('debugfs');
  it.each([
    ['1.42.9', /too old.*1\.43.*metadata_csum/],
    ['1.46.5', /1\.47 or newer is recommended.*orphan_file/],
    ['1.47.0', null],
    ['1.47.2', null],
    [null, /Could not tell which version/],
  ] as const)('debugfs %s → %s', (version, expected) => {
    const problem = assessVersion(debugfs, version);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });

  it('requires borg 1.2 and asks nothing of tools without a minimum', () => {
    expect(assessVersion(toolEntry('borg'), '1.1.18')).toMatch(/BorgBackup 1\.1\.18 is too old/);
    expect(assessVersion(toolEntry('borg'), '1.2.0')).toBeNull();
    expect(assessVersion(toolEntry('age'), null)).toBeNull();
    expect(assessVersion(toolEntry('age'), '0.1')).toBeNull();
  });
});

describe('readJdkVersion', () => {
  it('follows the symlink chain to the JDK and reads its release file', async () => {
    const jdk = path.join(root, 'jvm', 'java-17');
    const keytool = await fakeTool('keytool', 'exit 0', path.join(jdk, 'bin'));
    await writeFile(
      path.join(jdk, 'release'),
      'IMPLEMENTOR="Debian"\nJAVA_VERSION="17.0.15"\nOS_NAME="Linux"\n',
    );
    await mkdir(path.join(root, 'alternatives'));
    await symlink(keytool, path.join(root, 'alternatives', 'keytool'));
    await symlink(path.join(root, 'alternatives', 'keytool'), path.join(bin, 'keytool'));
    expect(await readJdkVersion(path.join(bin, 'keytool'))).toBe('17.0.15');
  });

  it('falls back to $JAVA_HOME/release, else null', async () => {
    const keytool = await fakeTool('keytool', 'exit 0');
    expect(await readJdkVersion(keytool)).toBeNull();
    await mkdir(path.join(root, 'home'));
    await writeFile(path.join(root, 'home', 'release'), 'JAVA_VERSION="21.0.2"\n');
    expect(await readJdkVersion(keytool, path.join(root, 'home'))).toBe('21.0.2');
  });
});

describe('runDoctor', () => {
  it('reports found, missing, too old and broken tools, in catalog order', async () => {
    await fakeTool('debugfs', "echo 'debugfs 1.42.9 (28-Dec-2013)' >&2");
    await fakeTool('zstd', "echo '*** Zstandard CLI (64-bit) v1.5.4, by Yann Collet ***'");
    await fakeTool('borg', "echo 'Traceback: ImportError' >&2; exit 2");
    const report = await doctor();

    expect(DoctorReport.parse(report)).toEqual(report);
    expect(report).toMatchObject({ platform: 'linux', packageManager: 'apt' });
    const ids = report.tools.map((t) => t.id);
    expect(ids.slice(0, 7)).toEqual(['debugfs', 'mkfs.ext4', 'e2fsck', 'zstd', 'xz', 'gzip', 'borg']);
    expect(ids).not.toContain('diskutil');

    const tool = (id: string) => report.tools.find((t) => t.id === id);
    expect(tool('debugfs')).toMatchObject({
      found: true,
      version: '1.42.9',
      path: path.join(bin, 'debugfs'),
    });
    expect(tool('debugfs')?.problem).toMatch(/too old/);
    expect(tool('zstd')).toMatchObject({ found: true, version: '1.5.4', problem: null });
    expect(tool('borg')).toMatchObject({ found: true, version: null });
    expect(tool('borg')?.problem).toBe('`borg --version` failed with exit code 2: Traceback: ImportError');
    expect(tool('xz')).toMatchObject({
      found: false,
      path: null,
      problem: null,
      installHint: 'sudo apt-get install xz-utils',
      requiredFor: ['Provision', 'Flash'],
    });
  });

  it('checks tools in parallel, each within its own timeout', async () => {
    await fakeTool('zstd', 'exec sleep 30');
    await fakeTool('xz', 'exec sleep 30');
    await fakeTool('gzip', 'exec sleep 30');
    const started = Date.now();
    const report = await doctor({ timeoutMs: 500, only: ['zstd', 'xz', 'gzip', 'age'] });
    expect(Date.now() - started).toBeLessThan(1300);
    expect(report.tools.map((t) => t.id)).toEqual(['zstd', 'xz', 'gzip', 'age']);
    for (const t of report.tools.slice(0, 3)) expect(t.problem).toBe(`${t.id} did not answer within 0.5 s.`);
  });

  it('gives ssh-keygen the version of the ssh beside it, or none', async () => {
    await fakeTool('ssh-keygen', 'exit 1');
    expect((await doctor({ only: ['ssh-keygen'] })).tools[0]).toMatchObject({
      found: true,
      version: null,
      problem: null,
    });
    await fakeTool('ssh', "echo 'OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.19' >&2");
    expect((await doctor({ only: ['ssh-keygen'] })).tools[0]).toMatchObject({
      version: '9.2p1',
      problem: null,
    });
  });

  it('flags a JDK tool that has no release file and does not run', async () => {
    await fakeTool('keytool', "echo 'Unable to locate a Java Runtime.' >&2; exit 1");
    const [keytool] = (await doctor({ only: ['keytool'] })).tools;
    expect(keytool).toMatchObject({ found: true, version: null });
    expect(keytool?.problem).toMatch(/Unable to locate a Java Runtime/);
  });

  it('says a udisksctl that gets no answer needs its service started, not installed', async () => {
    await fakeTool(
      'udisksctl',
      "echo 'Error connecting to the udisks daemon: Could not connect: No such file or directory' >&2; exit 1",
    );
    const [udisks] = (await doctor({ only: ['udisksctl'] })).tools;
    expect(udisks).toMatchObject({
      found: true,
      version: null,
      problem: 'udisks2 is installed but its service is not running: start it (systemctl start udisks2).',
      installHint: 'sudo systemctl start udisks2',
    });
    const missing = (await doctor({ only: ['udisksctl'], search: { env: { PATH: root } } })).tools[0];
    expect(missing).toMatchObject({ found: false, installHint: 'sudo apt-get install udisks2' });
  });

  it('says Nix is needed only for building images, not for every provisioning', async () => {
    const [nix] = (await doctor({ only: ['nix'] })).tools;
    expect(nix?.requiredFor).toEqual(['building images with Nix (Provision without an image file)']);
  });

  it('lists macOS tools on darwin, with Homebrew hints', async () => {
    const report = await doctor({ packageManager: 'brew', search: { platform: 'darwin' } });
    const ids = report.tools.map((t) => t.id);
    expect(ids).toContain('diskutil');
    expect(ids).not.toContain('lsblk');
    expect(report.tools.find((t) => t.id === 'debugfs')?.installHint).toBe('brew install e2fsprogs');
  });

  it('detects the package manager with the same search', async () => {
    await fakeTool('dnf', 'exit 0');
    const report = await doctor({ packageManager: undefined, only: ['borg'] });
    expect(report.packageManager).toBe('dnf');
    expect(report.tools[0]?.installHint).toBe('sudo dnf install borgbackup');
  });
});
