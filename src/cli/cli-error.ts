import type { ErrorInfo } from '../contract/index.js';
import { describeError, isCode, type CoreErrorCode } from '../errors.js';
import type { KeychainUnavailableError } from '../secrets/index.js';
import type { MissingToolError } from '../tools/index.js';
import { ExitCode } from './exit-codes.js';

/** A failure the CLI reports as `error:` + `hint:` and turns into an exit code; never printed as a stack trace. */
export class CliError extends Error {
  /** Extra lines after the hint (what a task left behind, where its log is). */
  readonly notes: string[];

  constructor(
    message: string,
    readonly hint: string,
    readonly exitCode: ExitCode = ExitCode.failed,
    extra: { notes?: string[]; cause?: unknown } = {},
  ) {
    super(message, { cause: extra.cause });
    this.name = 'CliError';
    this.notes = extra.notes ?? [];
  }
}

// Codes the core uses for "this machine lacks something", which the user fixes outside the app.
const ENVIRONMENT_CODES: ReadonlySet<string> = new Set<
  MissingToolError['code'] | KeychainUnavailableError['code']
>(['missing-tool', 'keychain-unavailable']);

/** Maps a router/core error code to the exit code scripts see. */
export function exitCodeForErrorCode(code: string): ExitCode {
  if (isCode<CoreErrorCode>(code, 'cancelled')) return ExitCode.cancelled;
  if (isCode<CoreErrorCode>(code, 'invalid-request')) return ExitCode.usage;
  if (ENVIRONMENT_CODES.has(code)) return ExitCode.environment;
  return ExitCode.failed;
}

/** Wraps the router's `{code, message, hint}` so it can be thrown through a command action; the CLI's hint wins. */
export function cliErrorFrom(info: ErrorInfo): CliError {
  return new CliError(info.message, info.cliHint ?? info.hint, exitCodeForErrorCode(info.code));
}

/** Prints any failure as one `error:` line and one `hint:` line (stack only with COMPANION_DEBUG=1); returns the exit code. */
export function reportError(error: unknown, writeErr: (text: string) => void, debug: boolean): ExitCode {
  const cli = error instanceof CliError ? error : null;
  const described = describeError(error);
  const info = cli
    ? { message: cli.message, hint: cli.hint }
    : { ...described, hint: described.cliHint ?? described.hint };
  const exitCode = cli ? cli.exitCode : exitCodeForErrorCode(describeError(error).code);
  writeErr(`error: ${oneLine(info.message)}\nhint: ${oneLine(info.hint)}\n`);
  for (const note of cli?.notes ?? []) writeErr(`${note}\n`);
  if (debug) {
    for (let cause = error; cause instanceof Error; cause = cause.cause)
      writeErr(`${cause.stack ?? cause.message}\n`);
  }
  return exitCode;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
