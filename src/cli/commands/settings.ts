import type { Command } from 'commander';
import type { SettingsView } from '../../contract/index.js';
import { wantsJson } from '../options.js';
import type { CliSession } from '../session.js';
import { assertSettingKey, formatSettingValue, parseSettingValue, settingKeys } from './settings-value.js';

/** `companion settings [get [KEY] | set KEY VALUE]`: the same settings file the desktop app uses. */
export function registerSettingsCommand(program: Command, session: CliSession): void {
  const showAll = async (command: Command) => {
    const view = await session.call('settings.get', {});
    if (wantsJson(command)) session.printJson(view);
    else session.io.out(formatSettings(view));
  };

  const settings = program
    .command('settings')
    .description('show or change the app settings (shared with the desktop app)')
    .option('--json', 'print JSON')
    .action((_options, command: Command) => showAll(command));

  settings
    .command('get')
    .description('show all settings, or one')
    .argument('[key]', `one of: ${settingKeys.join(', ')}`)
    .option('--json', 'print JSON')
    .action(async (key: string | undefined, _options, command: Command) => {
      if (key === undefined) return showAll(command);
      assertSettingKey(key);
      const value = (await session.call('settings.get', {})).settings[key];
      session.io.out(wantsJson(command) ? `${JSON.stringify(value)}\n` : `${formatSettingValue(value)}\n`);
    });

  settings
    .command('set')
    .description('change one setting')
    .argument('<key>', `one of: ${settingKeys.join(', ')}`)
    .argument('<value>', 'the new value')
    .option('--json', 'print the updated settings as JSON')
    .action(async (key: string, raw: string, _options, command: Command) => {
      const current = await session.call('settings.get', {});
      const patch = parseSettingValue(key, raw, current.settings);
      const view = await session.call('settings.update', patch);
      if (wantsJson(command)) session.printJson(view);
      else
        session.io.out(`${key} = ${formatSettingValue(view.settings[key as keyof typeof view.settings])}\n`);
    });
}

export function formatSettings(view: SettingsView): string {
  const lines = settingKeys.map((key) => `${key} = ${formatSettingValue(view.settings[key])}`);
  lines.push('', `file: ${view.file}`);
  if (view.recoveredFrom)
    lines.push(`note: the old settings file was unreadable and was moved to ${view.recoveredFrom}`);
  return `${lines.join('\n')}\n`;
}
