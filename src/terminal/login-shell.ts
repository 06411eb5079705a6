import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { TerminalStartError } from './find-executable.js';

/** The one program a terminal the user opens may run, and how it is started. */
export interface LoginShell {
  file: string;
  args: string[];
}

export interface LoginShellSources {
  /** The shell in the user's account record (getpwuid); null where there is none (Windows). */
  accountShell: string | null;
  /** `$SHELL` of the app's own environment, used only when the account's shell does not qualify. */
  envShell: string | undefined;
  /** The system's list of login shells. */
  shellsFile: string;
  platform: NodeJS.Platform;
  /** `%SystemRoot%`, for the Windows shell. */
  systemRoot?: string | undefined;
}

/** The account's shell from the user database; where that cannot be read, none (and `$SHELL` decides). */
export function accountShell(): string | null {
  try {
    return userInfo().shell;
  } catch {
    return null;
  }
}

/**
 * The user's login shell: the account's shell, else `$SHELL`, each only if /etc/shells lists it and it is an
 * executable file. Started with `-l` (bash, zsh, fish, dash, ksh, tcsh all take it), so it reads the login profile as
 * a terminal window would.
 */
export function findLoginShell(sources: LoginShellSources): LoginShell {
  if (sources.platform === 'win32') {
    // No login shell there; cmd.exe from the system folder, never one found on a PATH.
    return { file: join(sources.systemRoot ?? 'C:\\Windows', 'System32', 'cmd.exe'), args: [] };
  }
  const listed = readShellsList(sources.shellsFile);
  const candidates = [sources.accountShell, sources.envShell].filter((shell): shell is string => !!shell);
  for (const shell of candidates) {
    if (isAbsolute(shell) && listed.includes(shell) && isExecutableFile(shell))
      return { file: shell, args: ['-l'] };
  }
  const tried = candidates.length ? candidates.join(' or ') : 'none set';
  throw new TerminalStartError(
    `No login shell to open: your account's shell (${tried}) is not an executable listed in ${sources.shellsFile}.`,
    `Set a login shell that ${sources.shellsFile} lists (chsh -s /bin/bash, for example), then open the terminal again.`,
  );
}

/** /etc/shells without comments; when the file is missing, glibc's getusershell() default. */
function readShellsList(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return ['/bin/sh', '/bin/csh'];
    throw new TerminalStartError(
      `Could not read ${file}, the list of login shells: ${(error as Error).message}.`,
      `Make ${file} readable (it normally is, mode 644), then open the terminal again.`,
      { cause: error },
    );
  }
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
