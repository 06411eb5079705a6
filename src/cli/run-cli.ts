import { CommanderError } from 'commander';
import { reportError } from './cli-error.js';
import { ExitCode } from './exit-codes.js';
import { commandPathOf, createProgram } from './program.js';
import type { CliIo } from './session.js';
import { unknownCommandIndex, withoutHelpRequest } from './unknown-command.js';

/** Runs one command line (`argv` as in `process.argv`) and returns the exit code; never throws, never exits. */
export async function runCli(
  argv: string[],
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { program, session } = createProgram(io);
  const args = argv.slice(2);
  const unknownAt = unknownCommandIndex(program, args);
  try {
    await program.parseAsync(
      unknownAt === null ? argv : [...argv.slice(0, 2), ...withoutHelpRequest(args, unknownAt)],
    );
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) return usageExit(error, commandPathOf(program, argv.slice(2)), io);
    return reportError(error, (text) => io.err(text), env.COMPANION_DEBUG === '1');
  } finally {
    await session.dispose();
  }
}

/** Commander has already printed help or its `error: …` line; add the hint and map to our exit codes. */
function usageExit(error: CommanderError, commandPath: string, io: CliIo): number {
  if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return ExitCode.ok;
  // `companion help <command>` asked for that help (exit 0); a group without its subcommand is an error (exit 1).
  if (error.code === 'commander.help' && error.exitCode === 0) return ExitCode.ok;
  if (error.code === 'commander.help') {
    // Help went to stderr because a command group was given without its subcommand.
    io.err(`error: "${commandPath}" needs a subcommand.\nhint: pick one of the commands listed above.\n`);
  } else {
    io.err(`hint: run "${commandPath} --help" to see the usage.\n`);
  }
  return ExitCode.usage;
}
