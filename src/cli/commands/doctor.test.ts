import { describe, expect, it } from 'vitest';
import type { ToolStatus } from '../../contract/index.js';
import { formatDoctorReport } from './doctor.js';

const tool = (overrides: Partial<ToolStatus>): ToolStatus => ({
  id: 'debugfs',
  name: 'debugfs',
  purpose: 'edit ext4 images',
  found: true,
  path: '/usr/sbin/debugfs',
  version: '1.47.0',
  problem: null,
  installHint: 'sudo apt-get install e2fsprogs',
  requiredFor: ['Provision'],
  ...overrides,
});

describe('formatDoctorReport', () => {
  it('marks each tool; says how to install a missing one and how to fix a broken one', () => {
    const text = formatDoctorReport({
      platform: 'linux',
      packageManager: 'apt',
      tools: [
        tool({}),
        tool({
          id: 'borg',
          name: 'borg',
          found: false,
          path: null,
          version: null,
          installHint: 'sudo apt-get install borgbackup',
          requiredFor: ['Backups', 'Restore'],
        }),
        tool({
          id: 'udisksctl',
          name: 'udisksctl',
          path: '/usr/bin/udisksctl',
          version: null,
          problem: 'udisks2 is installed but its service is not running: start it (systemctl start udisks2).',
          installHint: 'sudo systemctl start udisks2',
          requiredFor: ['Flash'],
        }),
      ],
    });
    expect(text).toBe(
      [
        'Platform: linux (apt)',
        '',
        '   TOOL       VERSION  PATH',
        '✔  debugfs    1.47.0   /usr/sbin/debugfs',
        '✘  borg       -        not found',
        '     install: sudo apt-get install borgbackup',
        '     needed for: Backups, Restore',
        '!  udisksctl  -        /usr/bin/udisksctl',
        '     problem: udisks2 is installed but its service is not running: start it (systemctl start udisks2).',
        '     fix: sudo systemctl start udisks2',
        '     needed for: Flash',
        '',
      ].join('\n'),
    );
  });
});
