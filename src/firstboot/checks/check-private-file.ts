import { parseStatLines } from './bootstrap-stat.js';
import { combineOutput } from './cap-text.js';
import { BUILTIN_TIMEOUT_MS, fail, pass, type CheckContext, type CheckOutcome } from './check-outcome.js';
import { shellCommand } from './shell-quote.js';

/**
 * A file provisioning injected that holds a secret (the Wi-Fi env file: the PSK): it must still be there, owned by
 * root and readable by root alone, or the first boot exposed it to every user on the Pi.
 */
export async function checkPrivateFile(ctx: CheckContext & { file: string }): Promise<CheckOutcome> {
  const command = shellCommand(['stat', '-c', '%a %U %G %s %n', '--', ctx.file]);
  const result = await ctx.shell.exec(command, { signal: ctx.signal, timeoutMs: BUILTIN_TIMEOUT_MS });
  const output = combineOutput(result.stdout, result.stderr);
  if (result.timedOut) return fail(`stat did not answer within ${BUILTIN_TIMEOUT_MS / 1000} s`, output);
  const entry = parseStatLines(result.stdout).find((e) => e.name === ctx.file);
  if (!entry) return fail(`${ctx.file} is missing`, output);
  const problems = [
    ...(entry.mode === '600' ? [] : [`mode ${entry.mode} instead of 600`]),
    ...(entry.owner === 'root' ? [] : [`owned by ${entry.owner} instead of root`]),
    ...(entry.size > 0 ? [] : ['empty']),
  ];
  if (problems.length > 0) return fail(`${ctx.file}: ${problems.join(', ')}`, output);
  return pass(`${ctx.file}: mode 600, owner root`, output);
}
