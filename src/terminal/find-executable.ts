import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, resolve } from 'node:path';
import { CompanionError } from '../errors.js';

/** The start checks failed or node-pty could not spawn: nothing was started. */
export class TerminalStartError extends CompanionError {
  constructor(message: string, hint: string, options?: { cause?: unknown }) {
    super('terminal-start-failed', message, hint, options);
  }
}

/** Resolves `file` like execvp would (a path relative to `cwd`, or a name on `PATH`), or explains why it cannot. */
export function findExecutable(
  file: string,
  cwd: string,
  pathVar: string,
  platform = process.platform,
): string {
  const isWindows = platform === 'win32';
  const hasSlash = file.includes('/') || (isWindows && file.includes('\\'));
  const extensions = isWindows ? ['', '.exe', '.cmd', '.bat', '.com'] : [''];
  const dirs = hasSlash ? [cwd] : pathVar.split(delimiter).filter(Boolean);
  let notExecutable: string | null = null;
  for (const dir of dirs) {
    for (const extension of extensions) {
      const candidate = resolve(dir, file + extension);
      const verdict = executableVerdict(candidate, isWindows);
      if (verdict === 'ok') return candidate;
      if (verdict === 'not-executable') notExecutable ??= candidate;
    }
  }
  if (notExecutable) {
    throw new TerminalStartError(
      `${notExecutable} is not executable.`,
      'Make it executable (chmod +x), or run it through its interpreter, e.g. sh with the script as argument.',
    );
  }
  if (hasSlash)
    throw new TerminalStartError(`The program ${resolve(cwd, file)} does not exist.`, 'Check the path.');
  throw new TerminalStartError(
    `The program "${file}" was not found on the PATH.`,
    `Install it, or give its full path. The PATH searched was: ${dirs.join(delimiter) || '(empty)'}.`,
  );
}

function executableVerdict(path: string, isWindows: boolean): 'ok' | 'missing' | 'not-executable' {
  try {
    if (!statSync(path).isFile()) return 'missing';
  } catch {
    return 'missing';
  }
  try {
    if (!isWindows) accessSync(path, constants.X_OK);
    return 'ok';
  } catch {
    return 'not-executable';
  }
}
