import { type DebugfsVersion, isBanner, parseBannerVersion } from './debugfs-syntax.js';

/** What one command of a script printed: its stdout section and the stderr lines attributed to it. */
export interface CommandOutput {
  command: string;
  stdout: string;
  errors: string[];
}

export interface ScriptOutput {
  version: DebugfsVersion | null;
  /** Errors before the first command ran: debugfs could not open the file system. */
  openErrors: string[];
  commands: CommandOutput[];
  /** Errors after the last command: closing (flushing) the file system failed. */
  closeErrors: string[];
  /** False when debugfs stopped before it reached every marker (crash, kill, truncated output). */
  complete: boolean;
}

/*
 * Why markers: debugfs exits 0 when a command fails and prints the failure only on stderr, while the `-f` echo of each
 * command ("debugfs: <cmd>") goes to stdout; two pipes lose the order between them. An unknown command makes debugfs
 * print "debugfs: Command not found <name>" on stderr, so a unique non-command between the real ones splits stderr into
 * per-command sections. Each marker also counts as one failed command in the exit status, which we therefore ignore.
 */
export function marker(nonce: string, index: number): string {
  return `companion-mark-${nonce}-${index}`;
}

/** The script for `debugfs -f -`: marker 0, command 1, marker 1, …, command N, marker N. */
export function buildScript(commands: readonly string[], nonce: string): string {
  const lines = [marker(nonce, 0)];
  commands.forEach((command, i) => lines.push(command, marker(nonce, i + 1)));
  return `${lines.join('\n')}\n`;
}

function markerIndex(line: string, nonce: string): number | null {
  const match = new RegExp(`companion-mark-${nonce}-(\\d+)\\s*$`).exec(line);
  return match ? Number(match[1]) : null;
}

function splitStderr(stderr: string, nonce: string, count: number) {
  const perCommand: string[][] = Array.from({ length: count }, () => []);
  const openErrors: string[] = [];
  const closeErrors: string[] = [];
  let version: DebugfsVersion | null = null;
  let last = -1;
  for (const raw of stderr.split('\n')) {
    const line = raw.trimEnd();
    const index = markerIndex(line, nonce);
    if (index !== null) {
      last = index;
      continue;
    }
    if (!line.trim()) continue;
    if (last === -1) {
      if (isBanner(line)) version ??= parseBannerVersion(line);
      else openErrors.push(line);
    } else if (last < count) perCommand[last]?.push(line);
    else closeErrors.push(line);
  }
  return { perCommand, openErrors, closeErrors, version, reached: last };
}

function splitStdout(stdout: string, commands: readonly string[], nonce: string) {
  const sections: string[][] = commands.map(() => []);
  let last = -1;
  for (const line of stdout.split('\n')) {
    // stdout holds the echo "debugfs: <marker>"; match it exactly so command output cannot fake one.
    const index = line.startsWith('debugfs: companion-mark-') ? markerIndex(line, nonce) : null;
    if (index !== null && line === `debugfs: ${marker(nonce, index)}`) {
      last = index;
      continue;
    }
    const section = sections[last];
    if (!section) continue;
    if (section.length === 0 && line === `debugfs: ${commands[last]}`) continue; // the echo of the command itself
    section.push(line);
  }
  return { sections, reached: last };
}

/** Attributes a `debugfs -f` run's stdout and stderr to the commands of the script built with `nonce`. */
export function splitScriptOutput(
  commands: readonly string[],
  nonce: string,
  stdout: string,
  stderr: string,
): ScriptOutput {
  const err = splitStderr(stderr, nonce, commands.length);
  const out = splitStdout(stdout, commands, nonce);
  return {
    version: err.version,
    openErrors: err.openErrors,
    closeErrors: err.closeErrors,
    complete: err.reached === commands.length && out.reached === commands.length,
    commands: commands.map((command, i) => ({
      command,
      stdout: (out.sections[i] ?? []).join('\n'),
      errors: err.perCommand[i] ?? [],
    })),
  };
}

/** Splits a single `-R` request's stderr into the banner version and error lines. */
export function splitRequestStderr(stderr: string): { version: DebugfsVersion | null; errors: string[] } {
  let version: DebugfsVersion | null = null;
  const errors: string[] = [];
  for (const raw of stderr.split('\n')) {
    const line = raw.trimEnd();
    if (!line.trim()) continue;
    if (isBanner(line)) version ??= parseBannerVersion(line);
    else errors.push(line);
  }
  return { version, errors };
}

/** True when debugfs's message says it could not open the file system at all. */
export function isOpenFailure(line: string): boolean {
  return /while trying to open|Filesystem not open/.test(line);
}
