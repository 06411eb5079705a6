import { SettingsPatch, type Settings } from '../../contract/index.js';
import { CliError } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';

/** The keys a user may set (everything but the file's format version). */
export const settingKeys = Object.keys(SettingsPatch.shape) as (keyof SettingsPatch)[];

export function assertSettingKey(key: string): asserts key is keyof SettingsPatch {
  if (!(settingKeys as string[]).includes(key)) {
    throw new CliError(
      `There is no setting "${key}".`,
      `Settings are: ${settingKeys.join(', ')}.`,
      ExitCode.usage,
    );
  }
}

/**
 * Turns `settings set KEY VALUE` text into a checked patch. The value's type follows the current value's (the command
 * line only has strings), and the contract's schema decides what is valid, so the CLI and the UI agree.
 */
export function parseSettingValue(key: string, raw: string, current: Settings): SettingsPatch {
  assertSettingKey(key);
  const typed = typeof current[key] === 'number' && /^-?\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : raw;
  const parsed = SettingsPatch.safeParse({ [key]: typed });
  if (!parsed.success) {
    const reason = parsed.error.issues[0]?.message ?? 'not allowed';
    throw new CliError(
      `Invalid value "${raw}" for ${key}: ${reason}.`,
      `"companion settings" shows the current values; "companion settings --help" explains the command.`,
      ExitCode.usage,
    );
  }
  return parsed.data;
}

export function formatSettingValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
