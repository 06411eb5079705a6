import { constants } from 'node:fs';
import { access, readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { CompanionError } from '../errors.js';
import { detectPackageManager, formatInstallHint, type PackageManagerId } from './package-manager.js';
import { compareVersions, systemProgramEntry, toolEntry, toolEntryForProgram } from './tool-catalog.js';
import type { CatalogEntry, SystemProgramName, ToolId } from './tool-catalog.js';

/** A tool the app needs is not installed (or not where we look). */
export class MissingToolError extends CompanionError {
  declare readonly code: 'missing-tool';

  constructor(
    readonly tool: string,
    message: string,
    hint: string,
  ) {
    super('missing-tool', message, hint);
  }
}

/** The filesystem questions the search asks; swapped out in tests. */
export interface FileProbe {
  isExecutableFile(file: string): Promise<boolean>;
  /** Entry names of a directory; empty when it does not exist. */
  listDir(dir: string): Promise<string[]>;
}

/** Everything the search depends on, so tests can point it at a temp dir and another platform. */
export interface SearchContext {
  platform: string;
  env: Record<string, string | undefined>;
  homeDir: string;
  /**
   * Where the system's fixed folders (/usr/sbin, /run/current-system/sw/bin, a catalog entry's absolute places) are
   * looked for: '/' but in tests, which lay out another system (NixOS, Homebrew) in a temp dir.
   */
  systemRoot: string;
  /** Tried after PATH; defaults to the platform's usual places that desktop PATHs lack. */
  fallbackDirs: readonly string[];
  files: FileProbe;
}

export const realFiles: FileProbe = {
  async isExecutableFile(file) {
    try {
      const info = await stat(file);
      // access(X_OK) alone is true for root on any file with one x bit; also rule out directories.
      if (!info.isFile() || (info.mode & 0o111) === 0) return false;
      await access(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  },
  async listDir(dir) {
    try {
      return await readdir(dir);
    } catch {
      return [];
    }
  },
};

/** NixOS's setuid wrappers (mount, umount, pkexec): the copies in the system profile lack the setuid bit. */
export const NIXOS_WRAPPERS = '/run/wrappers/bin';

/**
 * Where tools live on `platform` when a GUI-launched app's PATH does not say so (or a root helper's fixed PATH of
 * /usr/sbin:/usr/bin:/sbin:/bin, which NixOS does not have). `user` adds NixOS's per-user profile.
 */
export function platformDirs(platform: string, homeDir: string, systemRoot = '/', user?: string): string[] {
  const rooted = (dirs: string[]) => dirs.map((dir) => path.join(systemRoot, dir));
  const nix = [
    ...rooted([NIXOS_WRAPPERS, '/run/current-system/sw/bin']),
    path.join(homeDir, '.nix-profile/bin'),
    ...rooted([...(user ? [`/etc/profiles/per-user/${user}/bin`] : []), '/nix/var/nix/profiles/default/bin']),
  ];
  if (platform === 'darwin') {
    return [
      ...rooted([
        '/opt/homebrew/bin',
        '/usr/local/bin',
        // e2fsprogs is keg-only in Homebrew: never linked into bin.
        '/opt/homebrew/opt/e2fsprogs/sbin',
        '/usr/local/opt/e2fsprogs/sbin',
      ]),
      ...nix,
    ];
  }
  // debugfs, mkfs.ext4 and sfdisk live in sbin, which a desktop user's PATH often lacks.
  return [...rooted(['/usr/local/sbin', '/usr/sbin', '/sbin', '/usr/bin', '/bin']), ...nix];
}

/** A search context for this process, with any part replaced. */
export function createSearchContext(overrides: Partial<SearchContext> = {}): SearchContext {
  const platform = overrides.platform ?? process.platform;
  const env = overrides.env ?? process.env;
  const homeDir = overrides.homeDir ?? env.HOME ?? homedir();
  const systemRoot = overrides.systemRoot ?? '/';
  // A user name with a slash would lead out of /etc/profiles/per-user.
  const user = [env.USER, env.LOGNAME].find((name) => name && !name.includes('/'));
  return {
    platform,
    env,
    homeDir,
    systemRoot,
    fallbackDirs: overrides.fallbackDirs ?? platformDirs(platform, homeDir, systemRoot, user),
    files: overrides.files ?? realFiles,
  };
}

/** Expands `$VAR/…` (dropped when unset), `~/…` and a final `/*` (subdirectories, highest version first). */
export async function expandDir(spec: string, ctx: SearchContext): Promise<string[]> {
  let dir = spec;
  const variable = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(dir);
  if (variable) {
    const value = ctx.env[variable[1] ?? ''];
    if (!value) return [];
    dir = value + dir.slice(variable[0].length);
  }
  if (dir.startsWith('~/')) dir = path.join(ctx.homeDir, dir.slice(2));
  else if (!variable && path.isAbsolute(dir)) dir = path.join(ctx.systemRoot, dir);
  if (!dir.endsWith('/*')) return [dir];
  const parent = dir.slice(0, -2);
  const names = await ctx.files.listDir(parent);
  return names.sort((a, b) => compareVersions(b, a)).map((name) => path.join(parent, name));
}

/** The directories searched for a program, in order: preferred, PATH, platform places, extras. */
export async function searchDirs(
  ctx: SearchContext,
  extra: { preferDirs?: readonly string[]; extraDirs?: readonly string[] } = {},
): Promise<string[]> {
  const expand = async (specs: readonly string[] = []) =>
    (await Promise.all(specs.map((spec) => expandDir(spec, ctx)))).flat();
  // Empty or relative PATH entries mean "the current directory": never search those.
  const pathDirs = (ctx.env.PATH ?? '').split(path.delimiter).filter((dir) => path.isAbsolute(dir));
  const all = [
    ...(await expand(extra.preferDirs)),
    ...pathDirs,
    ...ctx.fallbackDirs,
    ...(await expand(extra.extraDirs)),
  ];
  return [...new Set(all.map((dir) => path.normalize(dir)))];
}

/** The absolute path of the first executable regular file named `program`, or null. */
export async function locateProgram(
  program: string,
  ctx: SearchContext,
  extra: { preferDirs?: readonly string[]; extraDirs?: readonly string[] } = {},
): Promise<string | null> {
  for (const dir of await searchDirs(ctx, extra)) {
    const candidate = path.join(dir, program);
    if (await ctx.files.isExecutableFile(candidate)) return candidate;
  }
  return null;
}

/** The places to try before and after PATH: the entry's own, and NixOS's wrappers first for a setuid program. */
function searchExtras(entry: CatalogEntry): {
  preferDirs?: readonly string[];
  extraDirs?: readonly string[];
} {
  const wrappers = entry.kind === 'system' && entry.setuid ? [NIXOS_WRAPPERS] : [];
  return { preferDirs: [...wrappers, ...(entry.preferDirs ?? [])], extraDirs: entry.extraDirs };
}

/** Locates a catalog program, including its own extra places (Android SDK, JDK, kegs, NixOS's wrappers). */
export function locateTool(entry: CatalogEntry, ctx: SearchContext): Promise<string | null> {
  return locateProgram(entry.program, ctx, searchExtras(entry));
}

/** Locates any program by name, with its catalog entry's search when it has one; null when absent. */
export function locateKnownProgram(
  program: string,
  ctx: SearchContext = createSearchContext(),
): Promise<string | null> {
  const entry = toolEntryForProgram(program);
  return entry ? locateTool(entry, ctx) : locateProgram(program, ctx);
}

/** The package manager found with the same search the tools use. */
export function detectHostPackageManager(
  ctx: SearchContext = createSearchContext(),
): Promise<PackageManagerId | null> {
  return detectPackageManager(ctx.platform, (program) => locateProgram(program, ctx));
}

/** "A", "A and B", "A, B and C". */
function listInWords(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** The error for a program that is not installed, naming what needs it and how to install it here. */
export async function missingToolError(
  entry: CatalogEntry,
  ctx: SearchContext = createSearchContext(),
  manager?: PackageManagerId | null,
): Promise<MissingToolError> {
  const pm = manager === undefined ? await detectHostPackageManager(ctx) : manager;
  const hint = formatInstallHint(entry, pm, ctx.platform);
  if (entry.kind === 'system') {
    return new MissingToolError(
      entry.id,
      `${entry.program} was not found. It is needed to ${entry.neededTo}.`,
      hint,
    );
  }
  const label = entry.name === entry.program ? entry.name : `${entry.name} (${entry.program})`;
  const message = `${label} is not installed. It is needed for ${listInWords(entry.requiredFor)}.`;
  return new MissingToolError(entry.id, message, hint);
}

async function findEntry(entry: CatalogEntry, overrides: Partial<SearchContext>): Promise<string> {
  const ctx = createSearchContext(overrides);
  const found = await locateTool(entry, ctx);
  if (found) return found;
  throw await missingToolError(entry, ctx);
}

/** The absolute path of a catalog tool; throws MissingToolError with an install command when absent. */
export function findTool(id: ToolId, overrides: Partial<SearchContext> = {}): Promise<string> {
  return findEntry(toolEntry(id), overrides);
}

/** The absolute path of a system program; throws MissingToolError with what to install when absent. */
export function findSystemProgram(
  name: SystemProgramName,
  overrides: Partial<SearchContext> = {},
): Promise<string> {
  return findEntry(systemProgramEntry(name), overrides);
}
