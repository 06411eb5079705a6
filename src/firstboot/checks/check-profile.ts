import type { CommandCheck, HttpCheck } from '../../contract/firstboot.js';
import type { HttpResult, RunOptions } from '../remote-shell.js';
import { capText, combineOutput, quoteShort } from './cap-text.js';
import { fail, pass, type CheckContext, type CheckOutcome } from './check-outcome.js';

/** An HTTP GET from this machine; same shape as `RemoteShell.httpGet`. */
export type FetchHere = (url: string, options: RunOptions) => Promise<HttpResult>;

/** Runs a profile's shell check on the Pi: the exit code must match, then stdout must contain the expected text. */
export async function runCommandCheck(ctx: CheckContext, check: CommandCheck): Promise<CheckOutcome> {
  const result = await ctx.shell.exec(check.command, {
    signal: ctx.signal,
    timeoutMs: check.timeoutSeconds * 1000,
  });
  const output = combineOutput(result.stdout, result.stderr);
  if (result.timedOut) return fail(`timed out after ${check.timeoutSeconds} s`, output);
  if (result.exitCode === null) return fail(`killed by ${result.signal ?? 'a signal'}`, output);
  if (result.exitCode !== check.expectExit) {
    return fail(`exit ${result.exitCode} (expected ${check.expectExit})`, output);
  }
  if (check.expectOutput !== null && !result.stdout.includes(check.expectOutput)) {
    return fail(`output lacks ${quoteShort(check.expectOutput)}`, output);
  }
  return pass(`exit ${result.exitCode}`, output);
}

const NETWORK_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

/** A failed request in a few words: "connection refused", "timed out after 10 s", or the error's own message. */
export function describeHttpError(error: unknown, timeoutSeconds: number): string {
  const code = (error as { code?: unknown } | null)?.code;
  const name = (error as { name?: unknown } | null)?.name;
  if (code === 'ETIMEDOUT' || name === 'TimeoutError') return `timed out after ${timeoutSeconds} s`;
  if (typeof code === 'string' && NETWORK_ERRORS[code]) return NETWORK_ERRORS[code];
  const message = error instanceof Error ? error.message : String(error);
  return message || 'request failed';
}

/**
 * GETs a profile's URL from the Pi (through the SSH connection) or from this machine. A request that cannot be made
 * is a failed check, not an error: "connection refused" is exactly what the user needs to see.
 */
export async function runHttpCheck(
  ctx: CheckContext & { fetchHere: FetchHere },
  check: HttpCheck,
): Promise<CheckOutcome> {
  const options = { signal: ctx.signal, timeoutMs: check.timeoutSeconds * 1000 };
  let response: HttpResult;
  try {
    response =
      check.from === 'pi'
        ? await ctx.shell.httpGet(check.url, options)
        : await ctx.fetchHere(check.url, options);
  } catch (error) {
    if (ctx.signal?.aborted) throw error;
    const message = error instanceof Error ? error.message : String(error);
    return fail(describeHttpError(error, check.timeoutSeconds), message);
  }
  const body = capText(response.body);
  if (response.status !== check.expectStatus) {
    return fail(`HTTP ${response.status} (expected ${check.expectStatus})`, body);
  }
  if (check.expectBody !== null && !response.body.includes(check.expectBody)) {
    return fail(`body lacks ${quoteShort(check.expectBody)}`, body);
  }
  return pass(`HTTP ${response.status}`, body);
}
