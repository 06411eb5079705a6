import {
  createSearchContext,
  detectHostPackageManager,
  locateProgram,
  MissingToolError,
  NIXOS_WRAPPERS,
  type SearchContext,
} from './find-tool.js';
import { formatInstallHint, type InstallSource } from './package-manager.js';
import { toolEntryForProgram, toolsForPlatform, type ToolPlatform } from './tool-catalog.js';

/** Base-system programs the app runs besides the catalog's tools: every system has them, so the doctor skips them. */
export type SystemProgramName = 'blockdev' | 'losetup' | 'mkfifo' | 'mount' | 'umount' | 'eject' | 'pkexec';

export interface SystemProgram extends InstallSource {
  program: SystemProgramName;
  /** What the app uses it for, completing "It is needed to …". */
  neededTo: string;
  platforms: readonly ToolPlatform[];
  /** Setuid where it matters: on NixOS only the wrapper in /run/wrappers/bin has the bit, so it is searched first. */
  setuid?: boolean;
}

const utilLinux = {
  apt: 'util-linux',
  dnf: 'util-linux',
  pacman: 'util-linux',
  zypper: 'util-linux',
} as const;

export const SYSTEM_PROGRAMS: readonly SystemProgram[] = [
  {
    program: 'blockdev',
    neededTo: 'read the size of a card and flush its cache',
    platforms: ['linux'],
    packages: { ...utilLinux, nix: 'util-linux' },
  },
  {
    program: 'losetup',
    neededTo: 'tell whose file a loop device stands for before the flash writer writes it',
    platforms: ['linux'],
    packages: { ...utilLinux, apt: 'mount', nix: 'util-linux' },
  },
  {
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
    program: 'mount',
    neededTo: 'pin the image file the flash writer checked',
    platforms: ['linux'],
    packages: { ...utilLinux, apt: 'mount', nix: 'util-linux' },
    setuid: true,
  },
  {
    program: 'umount',
    neededTo: 'unmount a card before it is written',
    platforms: ['linux'],
    packages: { ...utilLinux, apt: 'mount', nix: 'util-linux' },
    setuid: true,
  },
  {
    program: 'eject',
    neededTo: 'eject a card once it is written (when UDisks cannot)',
    platforms: ['linux'],
    packages: { ...utilLinux, apt: 'eject', nix: 'util-linux' },
  },
  {
    program: 'pkexec',
    neededTo: 'ask for the administrator password that writing a card needs',
    platforms: ['linux'],
    packages: { apt: 'pkexec', dnf: 'polkit', pacman: 'polkit', zypper: 'polkit' },
    manualInstall: 'Install polkit (it provides pkexec) and a polkit authentication agent.',
    setuid: true,
  },
];

/** The places to try before and after PATH for `program`: a catalog tool's own, NixOS's wrappers for setuid ones. */
export function searchExtras(program: string): {
  preferDirs?: readonly string[];
  extraDirs?: readonly string[];
} {
  const tool = toolEntryForProgram(program);
  if (tool) return { preferDirs: tool.preferDirs, extraDirs: tool.extraDirs };
  const system = SYSTEM_PROGRAMS.find((p) => p.program === program);
  return system?.setuid ? { preferDirs: [NIXOS_WRAPPERS] } : {};
}

/** Locates any program by name with the search its catalog or system entry asks for; null when absent. */
export function locateKnownProgram(
  program: string,
  ctx: SearchContext = createSearchContext(),
): Promise<string | null> {
  return locateProgram(program, ctx, searchExtras(program));
}

/** The absolute path of a base-system program; throws MissingToolError with what to install when absent. */
export async function findSystemProgram(
  name: SystemProgramName,
  overrides: Partial<SearchContext> = {},
): Promise<string> {
  const ctx = createSearchContext(overrides);
  const found = await locateKnownProgram(name, ctx);
  if (found) return found;
  const entry = SYSTEM_PROGRAMS.find((p) => p.program === name) as SystemProgram;
  const hint = formatInstallHint(entry, await detectHostPackageManager(ctx), ctx.platform);
  throw new MissingToolError(name, `${name} was not found. It is needed to ${entry.neededTo}.`, hint);
}

/** Every program the app itself runs on `platform`, by file name: the catalog's tools and the system programs. */
export function programsTheAppRuns(platform: string): string[] {
  const system = SYSTEM_PROGRAMS.filter((p) => (p.platforms as readonly string[]).includes(platform));
  return [...toolsForPlatform(platform).map((t) => t.program), ...system.map((p) => p.program)];
}
