import type { Command } from 'commander';

const HELP_FLAGS = new Set(['-h', '--help']);

/** Whether `arg` is an option of `command` or of a command above it that takes a separate value (`--data-dir X`). */
function takesValue(chain: readonly Command[], arg: string): boolean {
  if (arg.includes('=')) return false;
  return chain.some((command) =>
    command.options.some(
      (option) => (option.long === arg || option.short === arg) && (option.required || option.optional),
    ),
  );
}

/**
 * The index in `args` of a word that stands where a subcommand must be but names none (`companion bogus`, `companion
 * help bogus`), or null. Commander shows help before it looks at the command word, so `bogus --help` would print the
 * parent's help and exit 0; this lets the caller report the word instead.
 */
export function unknownCommandIndex(program: Command, args: readonly string[]): number | null {
  const chain: Command[] = [program];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const current = chain.at(-1)!;
    if (arg === '--') return null;
    if (arg.startsWith('-')) {
      if (takesValue(chain, arg)) i++;
      continue;
    }
    if (current.commands.length === 0) return null; // a plain argument of a leaf command
    const named = (word: string) =>
      current.commands.find((command) => command.name() === word || command.aliases().includes(word));
    const next = named(arg);
    if (next) {
      chain.push(next);
      continue;
    }
    if (arg === 'help') {
      // Commander's own `help <command>`: only the word after it can be unknown.
      const word = args[i + 1];
      return word !== undefined && !word.startsWith('-') && !named(word) ? i + 1 : null;
    }
    // A group that takes arguments of its own may be given one here.
    return current.registeredArguments.length === 0 ? i : null;
  }
  return null;
}

/**
 * The command line as commander should see it when `unknownAt` names no command: without the help request (flags
 * and a `help` word right before it), so it fails as the same line without `--help` does: "unknown command", exit 2.
 */
export function withoutHelpRequest(args: readonly string[], unknownAt: number): string[] {
  return args.filter((arg, i) => !HELP_FLAGS.has(arg) && !(i === unknownAt - 1 && arg === 'help'));
}
