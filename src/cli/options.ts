import { InvalidArgumentError, type Command } from 'commander';

/** A commander value parser for whole numbers in a range; a bad value is a usage error (exit 2), not a crash. */
export function integerOption(min: number, max: number = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const parsed = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${max}`;
      throw new InvalidArgumentError(`Expected a whole number ${range}.`);
    }
    return parsed;
  };
}

/**
 * Whether `--json` was given anywhere on the line. A parent command (`tasks`) consumes its own options even after a
 * subcommand name (`tasks log ID --json`), so leaves must look at the merged options.
 */
export function wantsJson(command: Command): boolean {
  return command.optsWithGlobals<{ json?: boolean }>().json === true;
}
