import type { InstallSource } from './package-manager.js';
import { SYSTEM_PROGRAMS } from './catalog-system-programs.js';
import { TOOLS } from './catalog-tools.js';

/** Every external program the user installs for a feature; the doctor lists them in this order. */
export type ToolId =
  | 'debugfs'
  | 'mkfs.ext4'
  | 'e2fsck'
  | 'zstd'
  | 'xz'
  | 'gzip'
  | 'borg'
  | 'ssh'
  | 'ssh-keygen'
  | 'keytool'
  | 'jarsigner'
  | 'apksigner'
  | 'age'
  | 'nix'
  | 'lsblk'
  | 'udisksctl'
  | 'sfdisk'
  | 'diskutil';

/** Programs that come with the system the app runs on (nixos-rebuild with NixOS), so the doctor skips them. */
export type SystemProgramName =
  'blockdev' | 'losetup' | 'mkfifo' | 'mount' | 'umount' | 'eject' | 'pkexec' | 'nixos-rebuild';

/** The words the UI uses for the app's features. */
export type Feature = 'Provision' | 'Flash' | 'Backups' | 'Signing' | 'First boot';

export type ToolPlatform = 'linux' | 'darwin';

/** How to learn a tool's version. */
export type VersionProbe =
  /** Run the tool with `args`; the first capture group of `pattern` over stdout+stderr is the version. */
  | { kind: 'output'; args: readonly string[]; pattern: RegExp }
  /** JDK tools have no version flag: read JAVA_VERSION from the JDK's `release` file next to `bin/`. */
  | { kind: 'jdk-release' }
  /** No version flag: report the version of a sibling program from the same directory, if there is one. */
  | { kind: 'sibling'; id: ToolId }
  | { kind: 'none' };

export interface VersionRequirement {
  version: string;
  /** Why, in words, shown when the installed version is older. */
  reason: string;
}

/** What every catalog row says: the program, where it runs, where to look for it and what to install. */
interface ProgramEntry extends InstallSource {
  /** The program's file name. */
  program: string;
  platforms: readonly ToolPlatform[];
  /** Searched before PATH (`$VAR`, `~/` and a final `/*` expand): where PATH's copy is often only a stub. */
  preferDirs?: readonly string[];
  /** Searched after PATH and the platform's usual places. */
  extraDirs?: readonly string[];
}

/** A tool the doctor checks. */
export interface ToolEntry extends ProgramEntry {
  kind: 'tool';
  id: ToolId;
  name: string;
  purpose: string;
  requiredFor: readonly Feature[];
  version: VersionProbe;
  /** Below this the tool is unusable. */
  minimum?: VersionRequirement;
  /** Below this the tool works but some inputs may not; reported as a warning. */
  recommended?: VersionRequirement;
}

/** A program of the system itself: not in the doctor's report, but found, and missed, the same way. */
export interface SystemProgramEntry extends ProgramEntry {
  kind: 'system';
  id: SystemProgramName;
  /** What the app uses it for, completing "It is needed to …". */
  neededTo: string;
  /** Setuid where it matters: on NixOS only the wrapper in /run/wrappers/bin has the bit, so it is searched first. */
  setuid?: boolean;
}

/** One row of the catalog: every program the app runs has one. */
export type CatalogEntry = ToolEntry | SystemProgramEntry;

/** Every program the app runs: the tools the doctor checks, then the system's own programs. */
export const TOOL_CATALOG: readonly CatalogEntry[] = [...TOOLS, ...SYSTEM_PROGRAMS];

/** The catalog entry for `id`; unknown ids are a programming error. */
export function toolEntry(id: ToolId): ToolEntry {
  const entry = TOOLS.find((tool) => tool.id === id);
  if (!entry) throw new Error(`No tool "${id}" in the catalog.`);
  return entry;
}

/** The catalog entry of a system program; unknown names are a programming error. */
export function systemProgramEntry(name: SystemProgramName): SystemProgramEntry {
  const entry = SYSTEM_PROGRAMS.find((program) => program.id === name);
  if (!entry) throw new Error(`No system program "${name}" in the catalog.`);
  return entry;
}

/** The entry whose program file is `program` (e.g. a basename from a failed spawn), if any. */
export function toolEntryForProgram(program: string): CatalogEntry | undefined {
  return TOOL_CATALOG.find((entry) => entry.program === program);
}

const onPlatform = (entry: CatalogEntry, platform: string) =>
  (entry.platforms as readonly string[]).includes(platform);

/** The tools the doctor checks on `platform`, in catalog order. */
export function toolsForPlatform(platform: string): ToolEntry[] {
  return TOOLS.filter((tool) => onPlatform(tool, platform));
}

/** Every program the app itself runs on `platform`, by file name. */
export function programsTheAppRuns(platform: string): string[] {
  return TOOL_CATALOG.filter((entry) => onPlatform(entry, platform)).map((entry) => entry.program);
}

/** Orders dotted versions numerically ("1.10" > "1.9"); non-numeric parts such as "p1" or "-rc1" count by their digits. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => (v.match(/\d+/g) ?? []).map(Number);
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}
