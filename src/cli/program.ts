import { Command } from 'commander';
import packageJson from '../../package.json' with { type: 'json' };
import { registerDoctorCommand } from './commands/doctor.js';
import { registerDrivesCommand } from './commands/drives.js';
import { registerFirstBootCommand } from './commands/first-boot.js';
import { registerFlashCommand } from './commands/flash.js';
import { registerKeychainCommand } from './commands/keychain.js';
import { registerProvisionImageCommand } from './commands/provision-image.js';
import { registerSelfTestCommand } from './commands/self-test.js';
import { registerSettingsCommand } from './commands/settings.js';
import { registerTasksCommand } from './commands/tasks.js';
import { exitCodesHelp } from './exit-codes.js';
import { CliSession, type CliIo } from './session.js';

export const cliVersion: string = packageJson.version;

/** The `companion` command tree over one lazily created core. */
export function createProgram(io: CliIo): { program: Command; session: CliSession } {
  const program = new Command('companion');
  const session = new CliSession(io, {
    appVersion: cliVersion,
    dataDir: () => program.opts<{ dataDir?: string }>().dataDir,
  });
  // Settings below are copied into every subcommand made with .command(), so they must come first.
  program
    .description(
      'Pi & Backup Companion on the command line: checks, tasks and settings shared with the desktop app.',
    )
    .version(cliVersion, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for this command')
    .option(
      '--data-dir <dir>',
      'app data folder (settings, task history); default: $COMPANION_HOME or the app folder',
    )
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({
      writeOut: (text) => io.out(text),
      writeErr: (text) => io.err(text),
      outputError: (text, write) => write(text),
    })
    .addHelpText('afterAll', exitCodesHelp);

  registerDoctorCommand(program, session);
  registerTasksCommand(program, session);
  registerProvisionImageCommand(program, session);
  registerFlashCommand(program, session);
  registerFirstBootCommand(program, session);
  registerSelfTestCommand(program, session);
  registerKeychainCommand(program, session);
  registerSettingsCommand(program, session);
  registerDrivesCommand(program, session);
  return { program, session };
}

/** "companion tasks log": the deepest command the words on the line name, for "see --help" hints. */
export function commandPathOf(program: Command, args: string[]): string {
  const names = [program.name()];
  let current = program;
  for (const arg of args) {
    if (arg.startsWith('-')) continue;
    const next = current.commands.find(
      (command) => command.name() === arg || command.aliases().includes(arg),
    );
    if (!next) break;
    names.push(next.name());
    current = next;
  }
  return names.join(' ');
}
