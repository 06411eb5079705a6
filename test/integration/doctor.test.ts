import { describe, expect, it } from 'vitest';
import { DoctorReport } from '../../src/contract/index.js';
import { runDoctor } from '../../src/tools/doctor.js';
import { detectHostPackageManager, findTool, MissingToolError } from '../../src/tools/find-tool.js';

// Versions installed on the Debian 12 machine the integration suite runs on.
const EXPECTED: [string, string | RegExp][] = [
  ['debugfs', '1.47.0'],
  ['mkfs.ext4', '1.47.0'],
  ['e2fsck', '1.47.0'],
  ['zstd', '1.5.4'],
  ['xz', '5.4.1'],
  ['borg', '1.2.4'],
  ['ssh', '9.2p1'],
  ['age', '1.1.1'],
  ['apksigner', '0.9'],
  // keytool has no version flag: this comes from the JDK's release file behind /etc/alternatives.
  ['keytool', /^17\.\d+\.\d+$/],
];

describe('doctor on this machine', () => {
  it('finds the installed tools with their exact versions', async () => {
    const report = await runDoctor();
    expect(DoctorReport.parse(report)).toEqual(report);
    expect(report).toMatchObject({ platform: 'linux', packageManager: 'apt' });
    for (const [id, version] of EXPECTED) {
      const tool = report.tools.find((t) => t.id === id);
      expect(tool, id).toMatchObject({ found: true, version, problem: null });
      expect(tool?.path, id).toMatch(/^\//);
    }
    // debugfs lives in /usr/sbin: found even when the caller's PATH lacks sbin.
    const sbinless = await runDoctor({ search: { env: { PATH: '/usr/bin:/bin' } }, only: ['debugfs'] });
    expect(sbinless.tools[0]).toMatchObject({ found: true, path: '/usr/sbin/debugfs', version: '1.47.0' });
  });

  it('reports an unfindable tool as missing with the apt-get command', async () => {
    const packageManager = await detectHostPackageManager();
    expect(packageManager).toBe('apt');
    const report = await runDoctor({
      search: { env: { PATH: '' }, fallbackDirs: [] },
      packageManager,
      only: ['borg', 'debugfs'],
    });
    for (const tool of report.tools) {
      expect(tool, tool.id).toMatchObject({ found: false, path: null, version: null });
      expect(tool.installHint, tool.id).toContain('apt-get install');
    }
    expect(report.tools.map((t) => t.installHint)).toEqual([
      'sudo apt-get install e2fsprogs',
      'sudo apt-get install borgbackup',
    ]);
  });

  it('findTool resolves real tools and throws a typed error for a hidden one', async () => {
    expect(await findTool('debugfs')).toBe('/usr/sbin/debugfs');
    const error = await findTool('borg', { env: { PATH: '' }, fallbackDirs: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingToolError);
    // With no PATH there is no apt-get to detect either, so the hint falls back to words.
    expect((error as MissingToolError).hint).toMatch(/borgbackup/);
  });
});
