import type { ToolEntry, ToolId, ToolPlatform } from './tool-catalog.js';

const BOTH: readonly ToolPlatform[] = ['linux', 'darwin'];
const VERSION = String.raw`(\d+(?:\.\d+)+)`;

const e2fsprogs = {
  platforms: BOTH,
  requiredFor: ['Provision'],
  // metadata_csum (default since 1.43) is on in every NixOS image; older tools refuse to open them.
  minimum: {
    version: '1.43',
    reason: 'NixOS images use the metadata_csum ext4 feature, added in e2fsprogs 1.43.',
  },
  recommended: {
    version: '1.47',
    reason: 'NixOS images made with newer e2fsprogs may have the orphan_file ext4 feature, which needs 1.47.',
  },
  packages: {
    apt: 'e2fsprogs',
    dnf: 'e2fsprogs',
    pacman: 'e2fsprogs',
    zypper: 'e2fsprogs',
    brew: 'e2fsprogs',
    nix: 'e2fsprogs',
  },
} as const;

const util = (name: string) => ({ apt: name, dnf: name, pacman: name, zypper: name, nix: name }) as const;

const openssh = {
  apt: 'openssh-client',
  dnf: 'openssh-clients',
  pacman: 'openssh',
  zypper: 'openssh-clients',
  brew: 'openssh',
  nix: 'openssh',
} as const;

const jdk = {
  platforms: BOTH,
  requiredFor: ['Signing'],
  version: { kind: 'jdk-release' },
  packages: {
    apt: 'openjdk-17-jdk-headless',
    dnf: 'java-17-openjdk-devel',
    pacman: 'jdk17-openjdk',
    zypper: 'java-17-openjdk-devel',
    brew: 'openjdk',
    nix: 'jdk17',
  },
  // macOS ships /usr/bin stubs that only work with a registered JDK; Homebrew's openjdk is keg-only.
  preferDirs: ['$JAVA_HOME/bin', '/opt/homebrew/opt/openjdk/bin', '/usr/local/opt/openjdk/bin'],
} as const;

const decompressor = { platforms: BOTH, requiredFor: ['Provision', 'Flash'] } as const;

/** The tools the user installs for a feature, in the order the doctor lists them. */
export const TOOLS: readonly ToolEntry[] = [
  {
    kind: 'tool',
    id: 'debugfs',
    program: 'debugfs',
    name: 'debugfs',
    purpose: 'Writes files into the ext4 root partition of a NixOS image without mounting it.',
    version: { kind: 'output', args: ['-V'], pattern: new RegExp(`debugfs ${VERSION}`) },
    ...e2fsprogs,
  },
  {
    kind: 'tool',
    id: 'mkfs.ext4',
    program: 'mkfs.ext4',
    name: 'mkfs.ext4',
    purpose: 'Creates ext4 file systems when the app builds or rebuilds a root partition.',
    version: { kind: 'output', args: ['-V'], pattern: new RegExp(`mke2fs ${VERSION}`) },
    ...e2fsprogs,
  },
  {
    kind: 'tool',
    id: 'e2fsck',
    program: 'e2fsck',
    name: 'e2fsck',
    purpose: 'Checks the ext4 root partition after files were written into it.',
    version: { kind: 'output', args: ['-V'], pattern: new RegExp(`e2fsck ${VERSION}`) },
    ...e2fsprogs,
  },
  {
    kind: 'tool',
    id: 'zstd',
    program: 'zstd',
    name: 'Zstandard',
    purpose: 'Decompresses .img.zst images, the format NixOS SD images ship in.',
    version: { kind: 'output', args: ['--version'], pattern: new RegExp(`\\bv${VERSION}`) },
    packages: { ...util('zstd'), brew: 'zstd' },
    ...decompressor,
  },
  {
    kind: 'tool',
    id: 'xz',
    program: 'xz',
    name: 'XZ Utils',
    purpose: 'Decompresses .img.xz images.',
    version: { kind: 'output', args: ['--version'], pattern: new RegExp(`xz \\(XZ Utils\\) ${VERSION}`) },
    packages: { ...util('xz'), apt: 'xz-utils', brew: 'xz' },
    ...decompressor,
  },
  {
    kind: 'tool',
    id: 'gzip',
    program: 'gzip',
    name: 'gzip',
    purpose: 'Decompresses .img.gz images.',
    version: { kind: 'output', args: ['--version'], pattern: /gzip (\d+(?:\.\d+)*)/ },
    packages: { ...util('gzip'), brew: 'gzip' },
    ...decompressor,
  },
  {
    kind: 'tool',
    id: 'borg',
    program: 'borg',
    name: 'BorgBackup',
    purpose: 'Creates, prunes, checks and restores the encrypted backups.',
    requiredFor: ['Backups'],
    platforms: BOTH,
    version: { kind: 'output', args: ['--version'], pattern: new RegExp(`^borg ${VERSION}`, 'm') },
    // 1.2 brought `borg compact` and the JSON output the backup runner parses.
    minimum: { version: '1.2', reason: 'The app relies on `borg compact` and the JSON output of borg 1.2.' },
    packages: { ...util('borgbackup'), pacman: 'borg', brew: 'borgbackup' },
  },
  {
    kind: 'tool',
    id: 'ssh',
    program: 'ssh',
    name: 'OpenSSH client',
    purpose: 'Carries Borg backups to the backup host and opens shells on the Pi.',
    requiredFor: ['Backups', 'First boot'],
    platforms: BOTH,
    version: { kind: 'output', args: ['-V'], pattern: /OpenSSH_(\d+\.\d+(?:p\d+)?)/ },
    packages: openssh,
  },
  {
    kind: 'tool',
    id: 'ssh-keygen',
    program: 'ssh-keygen',
    name: 'ssh-keygen',
    purpose: 'Generates SSH keys and computes host-key fingerprints.',
    requiredFor: ['Provision', 'First boot', 'Backups'],
    platforms: BOTH,
    version: { kind: 'sibling', id: 'ssh' },
    packages: openssh,
  },
  {
    kind: 'tool',
    id: 'keytool',
    program: 'keytool',
    name: 'keytool',
    purpose: 'Creates and inspects the Android release keystore.',
    ...jdk,
  },
  {
    kind: 'tool',
    id: 'jarsigner',
    program: 'jarsigner',
    name: 'jarsigner',
    purpose: 'Signs and verifies Android App Bundles (.aab).',
    ...jdk,
  },
  {
    kind: 'tool',
    id: 'apksigner',
    program: 'apksigner',
    name: 'apksigner',
    purpose: 'Verifies the signatures and certificates of release APKs.',
    requiredFor: ['Signing'],
    platforms: BOTH,
    version: { kind: 'output', args: ['--version'], pattern: new RegExp(`^${VERSION}\\s*$`, 'm') },
    packages: { apt: 'apksigner', nix: 'apksigner' },
    manualInstall:
      'Install the Android SDK build-tools (Android Studio → SDK Manager) and set ANDROID_HOME to the SDK folder.',
    // Newest build-tools first; the last two are Android Studio's default SDK folders.
    extraDirs: [
      '$ANDROID_HOME/build-tools/*',
      '$ANDROID_SDK_ROOT/build-tools/*',
      '~/Android/Sdk/build-tools/*',
      '~/Library/Android/sdk/build-tools/*',
    ],
  },
  {
    kind: 'tool',
    id: 'age',
    program: 'age',
    name: 'age',
    purpose: 'Creates and checks the age keys that protect the Pi’s SOPS secrets.',
    requiredFor: ['Provision'],
    platforms: BOTH,
    version: { kind: 'output', args: ['--version'], pattern: new RegExp(`^v?${VERSION}`, 'm') },
    packages: { ...util('age'), brew: 'age' },
  },
  {
    kind: 'tool',
    id: 'nix',
    program: 'nix',
    name: 'Nix',
    purpose: 'Builds NixOS SD images from a flake with `nix build`.',
    requiredFor: ['Provision'],
    platforms: BOTH,
    version: { kind: 'output', args: ['--version'], pattern: new RegExp(`\\(Nix\\) ${VERSION}`) },
    packages: {},
    manualInstall: 'Install Nix from https://nixos.org/download (multi-user install), then restart the app.',
  },
  {
    kind: 'tool',
    id: 'lsblk',
    program: 'lsblk',
    name: 'lsblk',
    purpose: 'Lists drives and their partitions so you can pick the SD card.',
    requiredFor: ['Flash'],
    platforms: ['linux'],
    version: { kind: 'output', args: ['--version'], pattern: new RegExp(`util-linux ${VERSION}`) },
    packages: util('util-linux'),
  },
  {
    kind: 'tool',
    id: 'udisksctl',
    program: 'udisksctl',
    name: 'udisksctl',
    purpose: 'Unmounts and powers off the SD card through UDisks, without running the app as root.',
    requiredFor: ['Flash'],
    platforms: ['linux'],
    // udisksctl has no version flag; the daemon reports its version, and asking proves it is running.
    version: { kind: 'output', args: ['dump'], pattern: new RegExp(`^\\s+Version:\\s+${VERSION}`, 'm') },
    packages: { ...util('udisks2'), nix: 'udisks' },
  },
  {
    kind: 'tool',
    id: 'sfdisk',
    program: 'sfdisk',
    name: 'sfdisk',
    purpose: 'Reads and adjusts partition tables on images and cards.',
    requiredFor: ['Flash'],
    platforms: ['linux'],
    version: { kind: 'output', args: ['--version'], pattern: new RegExp(`util-linux ${VERSION}`) },
    // Debian moved sfdisk out of util-linux into fdisk (bookworm).
    packages: { ...util('util-linux'), apt: 'fdisk' },
  },
  {
    kind: 'tool',
    id: 'diskutil',
    program: 'diskutil',
    name: 'diskutil',
    purpose: 'Lists, unmounts and ejects drives on macOS.',
    requiredFor: ['Flash'],
    platforms: ['darwin'],
    version: { kind: 'none' },
    packages: {},
    manualInstall: 'diskutil ships with macOS; check that /usr/sbin is intact.',
  },
];

/** A tool that is only a client of a system service: found but unanswered means the service is down, not missing. */
export interface ToolService {
  /** The package that brings both, as users know it. */
  package: string;
  /** The systemd unit to start. */
  unit: string;
}

export const TOOL_SERVICES: Partial<Record<ToolId, ToolService>> = {
  udisksctl: { package: 'udisks2', unit: 'udisks2' },
};

/** What a tool is needed for, in words, where naming the feature alone would overstate it. */
export const NEEDED_FOR_WORDS: Partial<Record<ToolId, readonly string[]>> = {
  nix: ['building images with Nix (Provision without an image file)'],
};
