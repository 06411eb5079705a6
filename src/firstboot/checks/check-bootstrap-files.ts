import { judgeBootstrapFiles, bootstrapFilePaths } from './bootstrap-stat.js';
import { combineOutput } from './cap-text.js';
import {
  BUILTIN_TIMEOUT_MS,
  fail,
  firstLine,
  pass,
  type CheckContext,
  type CheckOutcome,
} from './check-outcome.js';
import { shellCommand } from './shell-quote.js';

export const DEFAULT_BOOTSTRAP_DIR = '/var/lib/bootstrap';

/** Checks the injected host key is where the NixOS module expects it, private (600, root) and not empty. */
export async function checkBootstrapFiles(ctx: CheckContext & { dir: string }): Promise<CheckOutcome> {
  const { key, pub } = bootstrapFilePaths(ctx.dir);
  const command = shellCommand(['stat', '-c', '%a %U %G %s %n', '--', key, pub]);
  const result = await ctx.shell.exec(command, { signal: ctx.signal, timeoutMs: BUILTIN_TIMEOUT_MS });
  const output = combineOutput(result.stdout, result.stderr);
  if (result.exitCode === 127) return fail('stat not found (exit 127) on the Pi', output);
  if (result.timedOut) return fail(`stat did not answer within ${BUILTIN_TIMEOUT_MS / 1000} s`, output);
  // stat exits 1 when any file is missing yet still prints the others, so the verdict reads its output.
  const verdict = judgeBootstrapFiles(ctx.dir, result);
  if (verdict.ok) return pass(verdict.summary, output);
  const unparsed = result.stdout.trim() === '' && !result.stderr.includes(key) && firstLine(result.stderr);
  return fail(unparsed ? `stat failed: ${unparsed}` : verdict.summary, output);
}
