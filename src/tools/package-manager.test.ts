import { describe, expect, it } from 'vitest';
import {
  detectPackageManager,
  formatInstallHint,
  installCommand,
  type PackageManagerId,
} from './package-manager.js';
import { toolEntry } from './tool-catalog.js';

const installed =
  (...programs: string[]) =>
  async (program: string) =>
    programs.includes(program) ? `/usr/bin/${program}` : null;

describe('detectPackageManager', () => {
  it.each([
    ['linux', ['apt-get'], 'apt'],
    ['linux', ['dnf'], 'dnf'],
    ['linux', ['pacman'], 'pacman'],
    ['linux', ['zypper'], 'zypper'],
    ['linux', ['nix'], 'nix'],
    // Nix next to a distribution's manager: the distribution's own wins.
    ['linux', ['nix', 'apt-get'], 'apt'],
    ['linux', ['brew'], null],
    ['linux', [], null],
    ['darwin', ['brew', 'nix'], 'brew'],
    ['darwin', ['nix'], 'nix'],
    ['darwin', ['apt-get'], null],
  ] as const)('%s with %j is %s', async (platform, programs, expected) => {
    expect(await detectPackageManager(platform, installed(...programs))).toBe(expected);
  });
});

describe('install hints', () => {
  const e2fsprogs = toolEntry('debugfs');

  it.each([
    ['apt', 'sudo apt-get install e2fsprogs'],
    ['dnf', 'sudo dnf install e2fsprogs'],
    ['pacman', 'sudo pacman -S e2fsprogs'],
    ['zypper', 'sudo zypper install e2fsprogs'],
    ['brew', 'brew install e2fsprogs'],
    ['nix', 'nix profile install nixpkgs#e2fsprogs'],
  ] as [PackageManagerId, string][])('e2fsprogs with %s: %s', (manager, expected) => {
    expect(formatInstallHint(e2fsprogs, manager, 'linux')).toBe(expected);
  });

  it('uses each manager’s own package name', () => {
    expect(formatInstallHint(toolEntry('borg'), 'apt', 'linux')).toBe('sudo apt-get install borgbackup');
    expect(formatInstallHint(toolEntry('borg'), 'pacman', 'linux')).toBe('sudo pacman -S borg');
    expect(formatInstallHint(toolEntry('ssh'), 'dnf', 'linux')).toBe('sudo dnf install openssh-clients');
    expect(formatInstallHint(toolEntry('keytool'), 'apt', 'linux')).toBe(
      'sudo apt-get install openjdk-17-jdk-headless',
    );
    expect(formatInstallHint(toolEntry('keytool'), 'brew', 'darwin')).toBe('brew install openjdk');
    expect(formatInstallHint(toolEntry('xz'), 'apt', 'linux')).toBe('sudo apt-get install xz-utils');
    expect(formatInstallHint(toolEntry('sfdisk'), 'apt', 'linux')).toBe('sudo apt-get install fdisk');
  });

  it('falls back to words when the manager has no package', () => {
    expect(formatInstallHint(toolEntry('apksigner'), 'dnf', 'linux')).toMatch(/Android SDK build-tools/);
    expect(formatInstallHint(toolEntry('nix'), 'apt', 'linux')).toMatch(/nixos\.org/);
  });

  it('explains how to get a manager when none was found', () => {
    expect(formatInstallHint(e2fsprogs, null, 'darwin')).toBe(
      'Install Homebrew (https://brew.sh), then run: brew install e2fsprogs',
    );
    expect(formatInstallHint(toolEntry('xz'), null, 'linux')).toBe(
      "Install the xz-utils package with your system's package manager.",
    );
  });

  it('rejects an unknown manager', () => {
    expect(() => installCommand('yum' as PackageManagerId, 'x')).toThrow(/yum/);
  });
});
