import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';
import { wantsJson } from '../options.js';
import type { CliSession } from '../session.js';

/** `companion keychain status`: whether secrets can be stored in the OS keychain on this machine. */
export function registerKeychainCommand(program: Command, session: CliSession): void {
  const keychain = program.command('keychain').description('the OS keychain where the app keeps passphrases');
  keychain
    .command('status')
    .description('check that the OS keychain (Secret Service, macOS Keychain, …) is usable')
    .option('--json', 'print the status as JSON')
    .action(async (_options, command: Command) => {
      const status = await session.call('keychain.status', {});
      if (wantsJson(command)) session.printJson(status);
      else if (status.available)
        session.io.out(`Keychain: available (${status.backend})\n${status.message}\n`);
      // When unavailable the message is the error line below; saying it twice adds nothing.
      else session.io.out(`Keychain: not available (${status.backend})\n`);
      if (!status.available) {
        throw new CliError(
          status.message,
          status.hint ?? 'Start or unlock your keychain, then try again.',
          ExitCode.environment,
        );
      }
    });
}
