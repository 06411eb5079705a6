/** The `companion` exit codes; scripts and CI branch on these, so they are part of the CLI's contract. */
export const ExitCode = {
  ok: 0,
  /** The operation failed; stderr has `error:` and `hint:`. */
  failed: 1,
  /** The command line itself was wrong (unknown command or option, bad value), commander's own errors included. */
  usage: 2,
  /** A tool is missing or the environment is not usable (no keychain, …); `companion doctor` says what to do. */
  environment: 3,
  /** Cancelled with Ctrl-C; 128 + SIGINT, as shells report it. */
  cancelled: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The `--help` epilogue, shown under every command's help. */
export const exitCodesHelp = `
Exit codes:
  ${ExitCode.ok}    success
  ${ExitCode.failed}    the operation failed (stderr says why, with a hint)
  ${ExitCode.usage}    usage error: unknown command or option, missing or bad value
  ${ExitCode.environment}    a tool is missing or the environment is not usable (see "companion doctor")
  ${ExitCode.cancelled}  cancelled with Ctrl-C

Environment:
  COMPANION_HOME     the app data folder (settings, task history), unless --data-dir is given
  COMPANION_DEBUG=1  print stack traces with errors`;
