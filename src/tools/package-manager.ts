/** The package managers the app knows how to name an install command for. */
export type PackageManagerId = 'apt' | 'dnf' | 'pacman' | 'zypper' | 'brew' | 'nix';

interface ManagerSpec {
  id: PackageManagerId;
  /** The program whose presence identifies the manager. */
  program: string;
  platforms: readonly string[];
  command: (pkg: string) => string;
}

// Order is preference: a distribution's own manager beats a Nix installed alongside it.
const MANAGERS: readonly ManagerSpec[] = [
  { id: 'brew', program: 'brew', platforms: ['darwin'], command: (p) => `brew install ${p}` },
  { id: 'apt', program: 'apt-get', platforms: ['linux'], command: (p) => `sudo apt-get install ${p}` },
  { id: 'dnf', program: 'dnf', platforms: ['linux'], command: (p) => `sudo dnf install ${p}` },
  { id: 'pacman', program: 'pacman', platforms: ['linux'], command: (p) => `sudo pacman -S ${p}` },
  { id: 'zypper', program: 'zypper', platforms: ['linux'], command: (p) => `sudo zypper install ${p}` },
  {
    id: 'nix',
    program: 'nix',
    platforms: ['linux', 'darwin'],
    command: (p) => `nix profile install nixpkgs#${p}`,
  },
];

/** Finds a program by name, returning its absolute path or null (find-tool's search, injectable for tests). */
export type LocateProgram = (program: string) => Promise<string | null>;

/** The user's package manager on `platform`, or null when none we know is installed. */
export async function detectPackageManager(
  platform: string,
  locate: LocateProgram,
): Promise<PackageManagerId | null> {
  const candidates = MANAGERS.filter((m) => m.platforms.includes(platform));
  const found = await Promise.all(candidates.map((m) => locate(m.program)));
  return candidates.find((_, i) => found[i] !== null)?.id ?? null;
}

/** The exact command that installs `pkg` with `manager`. */
export function installCommand(manager: PackageManagerId, pkg: string): string {
  const spec = MANAGERS.find((m) => m.id === manager);
  if (!spec) throw new Error(`Unknown package manager "${manager}".`);
  return spec.command(pkg);
}

/** What a tool needs to be installed: package names per manager and a fallback sentence. */
export interface InstallSource {
  packages: Partial<Record<PackageManagerId, string>>;
  manualInstall?: string;
}

/** The install hint shown to the user: a command for their manager when there is one, else words. */
export function formatInstallHint(
  source: InstallSource,
  manager: PackageManagerId | null,
  platform: string,
): string {
  const pkg = manager ? source.packages[manager] : undefined;
  if (manager && pkg) return installCommand(manager, pkg);
  if (source.manualInstall) return source.manualInstall;
  if (platform === 'darwin' && source.packages.brew) {
    return `Install Homebrew (https://brew.sh), then run: ${installCommand('brew', source.packages.brew)}`;
  }
  const anyPackage = source.packages.apt ?? Object.values(source.packages)[0];
  if (anyPackage) return `Install the ${anyPackage} package with your system's package manager.`;
  return 'Install it and make sure it is on your PATH.';
}
