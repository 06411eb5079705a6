import { describe, expect, it } from 'vitest';
import { appDataDir } from './app-paths.js';

describe('appDataDir', () => {
  it.each([
    [{ HOME: '/home/ada' }, 'linux', '/home/ada/.config/pi-backup-companion'],
    [{ HOME: '/home/ada', XDG_CONFIG_HOME: '/xdg' }, 'linux', '/xdg/pi-backup-companion'],
    [{ HOME: '/Users/ada' }, 'darwin', '/Users/ada/Library/Application Support/pi-backup-companion'],
    [{ HOME: '/home/ada', COMPANION_HOME: '/tmp/c' }, 'linux', '/tmp/c'],
  ] as const)('%j on %s → %s', (env, platform, dir) => {
    expect(appDataDir({ ...env }, platform)).toBe(dir);
  });
});
