import { describe, expect, it } from 'vitest';
import { migrateSettings, type Migration } from './settings-migrations.js';

const steps: Migration[] = [
  { from: 0, migrate: (old) => ({ ...old, version: 1 }) },
  { from: 1, migrate: ({ dark, ...rest }) => ({ ...rest, theme: dark ? 'dark' : 'light' }) },
];

describe('migrateSettings', () => {
  it('runs every step in order up to the target', () => {
    expect(migrateSettings({ dark: true }, 2, steps)).toEqual({ version: 2, theme: 'dark' });
  });

  it('leaves a current file as it is', () => {
    expect(migrateSettings({ version: 2, theme: 'light' }, 2, steps)).toEqual({ version: 2, theme: 'light' });
  });

  it('refuses a file from a newer app instead of downgrading it', () => {
    expect(() => migrateSettings({ version: 3 }, 2, steps)).toThrow(/newer version/);
  });

  it('fails loudly when a step is missing', () => {
    expect(() => migrateSettings({ version: 1 }, 3, steps)).toThrow(/no migration from settings format 2/);
  });
});

describe('the shipped migrations', () => {
  it('bring a version 1 file (before host profiles) to version 2 with no hosts', () => {
    expect(
      migrateSettings({ version: 1, theme: 'dark', terminalFontSize: 14, taskHistoryLimit: 50 }, 2),
    ).toEqual({
      version: 2,
      theme: 'dark',
      terminalFontSize: 14,
      taskHistoryLimit: 50,
      hosts: [],
    });
  });
});
