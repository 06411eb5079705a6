import { locateKnownProgram, runTool, type ToolResult } from '../../tools/index.js';

/** One way to do a step: a program looked up by name at run time, with its argv. */
export interface CommandAttempt {
  program: string;
  args: string[];
}

/** "udisksctl unmount -b /dev/sdb1 …" for the log: what ran, never a shell string that gets executed. */
export function describeAttempt(attempt: CommandAttempt): string {
  return [attempt.program, ...attempt.args].join(' ');
}

/** How the last attempt that ran ended; `ok` when one of them exited 0. */
export interface AttemptsOutcome {
  ok: boolean;
  /** What each attempt said (missing program, exit code and stderr), in order. */
  failures: string[];
}

/**
 * Tries the attempts in order until one exits 0. A program that is not installed is skipped, not fatal: udisksctl
 * is missing on headless systems where plain umount (as root) does the job.
 */
export async function runFirstWorking(
  attempts: readonly CommandAttempt[],
  options: { signal?: AbortSignal; log?: (line: string) => void } = {},
): Promise<AttemptsOutcome> {
  const failures: string[] = [];
  for (const attempt of attempts) {
    // The known search: NixOS's setuid umount wrapper before PATH's plain copy, sbin and profiles after it.
    const file = await locateKnownProgram(attempt.program);
    if (!file) {
      failures.push(`${attempt.program} is not installed`);
      continue;
    }
    options.log?.(`Running ${describeAttempt(attempt)}`);
    const result: ToolResult = await runTool(file, attempt.args, { signal: options.signal });
    if (result.code === 0) return { ok: true, failures };
    const said = result.stderr.trim().split('\n').slice(-2).join(' ') || `exit code ${result.code}`;
    failures.push(`${attempt.program}: ${said}`);
  }
  return { ok: false, failures };
}
