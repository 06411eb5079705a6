import { chmod, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deploySshConfig, writeDeploySshConfig } from './deploy-ssh-config.js';

let base: string;
beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'deploy-config-'));
});
afterEach(() => rm(base, { recursive: true, force: true }));

describe('deploySshConfig', () => {
  it('pins only the Pi (port, known_hosts quoted, strict) and leaves every other host to the user config', () => {
    const text = deploySshConfig(
      { address: '192.0.2.7', port: 2222 },
      '/Users/me/Library/Application Support/c/known_hosts',
    );
    expect(text).toContain('Host 192.0.2.7\n  Port 2222\n');
    expect(text).toContain('  UserKnownHostsFile "/Users/me/Library/Application Support/c/known_hosts"\n');
    expect(text).toContain('  StrictHostKeyChecking yes\n');
    expect(text).toContain(
      '  GlobalKnownHostsFile /dev/null\n  KnownHostsCommand none\n  UpdateHostKeys no\nMatch all\n  Include ~/.ssh/config\n',
    );
  });
});

describe('writeDeploySshConfig', () => {
  it('writes 0600 into a private folder whose path has no spaces', async () => {
    const file = await writeDeploySshConfig('pi', { address: '192.0.2.7', port: 22 }, '/k', base);
    expect(file).toBe(join(base, `companion-${process.getuid!()}`, 'pi.ssh_config'));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(file, '..'))).mode & 0o777).toBe(0o700);
    expect(await readFile(file, 'utf8')).toContain('UserKnownHostsFile /k');
  });

  it('refuses a folder that others can write (the temp dir is shared)', async () => {
    const dir = join(base, `companion-${process.getuid!()}`);
    await mkdir(dir);
    await chmod(dir, 0o777);
    await expect(writeDeploySshConfig('pi', { address: 'a', port: 22 }, '/k', base)).rejects.toMatchObject({
      code: 'firstboot-unsafe-temp',
    });
  });
});
