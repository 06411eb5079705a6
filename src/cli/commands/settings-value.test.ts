import { describe, expect, it } from 'vitest';
import type { Settings } from '../../contract/index.js';
import { parseSettingValue, settingKeys } from './settings-value.js';

const current: Settings = {
  version: 2,
  theme: 'system',
  terminalFontSize: 13,
  taskHistoryLimit: 50,
  hosts: [],
};

describe('parseSettingValue', () => {
  it('lists every user setting but not the format version', () => {
    expect(settingKeys).toEqual(['theme', 'terminalFontSize', 'taskHistoryLimit']);
  });

  it('types the value after the current one', () => {
    expect(parseSettingValue('theme', 'dark', current)).toEqual({ theme: 'dark' });
    expect(parseSettingValue('terminalFontSize', '16', current)).toEqual({ terminalFontSize: 16 });
  });

  it.each([
    ['theme', 'purple'],
    ['terminalFontSize', '99'],
    ['terminalFontSize', 'big'],
    ['taskHistoryLimit', '2.5'],
  ])('refuses %s=%s as a usage error', (key, value) => {
    expect(() => parseSettingValue(key, value, current)).toThrow(
      expect.objectContaining({ exitCode: 2, message: expect.stringContaining(`for ${key}`) }),
    );
  });

  it('refuses unknown keys and the version, naming the real ones', () => {
    for (const key of ['nope', 'version']) {
      expect(() => parseSettingValue(key, '1', current)).toThrow(
        expect.objectContaining({
          exitCode: 2,
          hint: 'Settings are: theme, terminalFontSize, taskHistoryLimit.',
        }),
      );
    }
  });
});
