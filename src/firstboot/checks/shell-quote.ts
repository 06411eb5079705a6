/**
 * Quotes one argument for a POSIX shell: wrapped in single quotes, each `'` written as `'\''`. Inside single quotes
 * every other character is literal (`$`, `` ` ``, `\`, newlines), so this is safe for any path a profile holds.
 * Plain words are quoted too, so a reader of the log never has to wonder whether a value was.
 */
export function quoteForShell(arg: string): string {
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** Joins an argv into one command line for `RemoteShell.exec`, quoting each argument. */
export function shellCommand(argv: readonly string[]): string {
  return argv.map(quoteForShell).join(' ');
}
