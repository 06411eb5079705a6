import type { SystemProgramEntry } from './tool-catalog.js';

const utilLinux = {
  apt: 'util-linux',
  dnf: 'util-linux',
  pacman: 'util-linux',
  zypper: 'util-linux',
  nix: 'util-linux',
} as const;

/** The system's own programs the app runs: every system has them (NixOS has nixos-rebuild), so the doctor skips them. */
export const SYSTEM_PROGRAMS: readonly SystemProgramEntry[] = [
  {
    kind: 'system',
    id: 'blockdev',
    program: 'blockdev',
    neededTo: 'read the size of a card and flush its cache',
    platforms: ['linux'],
    packages: utilLinux,
  },
  {
    kind: 'system',
    id: 'losetup',
    program: 'losetup',
    neededTo: 'tell whose file a loop device stands for before the flash writer writes it',
    platforms: ['linux'],
    packages: { ...utilLinux, apt: 'mount' },
  },
  {
    kind: 'system',
    id: 'mkfifo',
    program: 'mkfifo',
    neededTo: 'pass a compressed image to its decompressor while flashing',
    platforms: ['linux', 'darwin'],
    packages: {
      apt: 'coreutils',
      dnf: 'coreutils',
      pacman: 'coreutils',
      zypper: 'coreutils',
      nix: 'coreutils',
    },
  },
  {
    kind: 'system',
    id: 'mount',
    program: 'mount',
    neededTo: 'pin the image file the flash writer checked',
    platforms: ['linux'],
    packages: { ...utilLinux, apt: 'mount' },
    setuid: true,
  },
  {
    kind: 'system',
    id: 'umount',
    program: 'umount',
    neededTo: 'unmount a card before it is written',
    platforms: ['linux'],
    packages: { ...utilLinux, apt: 'mount' },
    setuid: true,
  },
  {
    kind: 'system',
    id: 'eject',
    program: 'eject',
    neededTo: 'eject a card once it is written (when UDisks cannot)',
    platforms: ['linux'],
    packages: { ...utilLinux, apt: 'eject' },
  },
  {
    kind: 'system',
    id: 'pkexec',
    program: 'pkexec',
    neededTo: 'ask for the administrator password that writing a card needs',
    platforms: ['linux'],
    packages: { apt: 'pkexec', dnf: 'polkit', pacman: 'polkit', zypper: 'polkit' },
    manualInstall: 'Install polkit (it provides pkexec) and a polkit authentication agent.',
    setuid: true,
  },
  {
    kind: 'system',
    id: 'nixos-rebuild',
    program: 'nixos-rebuild',
    neededTo: 'deploy the host’s configuration after its first boot',
    // Elsewhere (and always on macOS) the deploy runs it from nixpkgs through `nix run`.
    platforms: ['linux'],
    packages: { nix: 'nixos-rebuild' },
    manualInstall:
      'nixos-rebuild comes with NixOS. Elsewhere the app runs it through Nix: install Nix from https://nixos.org/download.',
  },
];
