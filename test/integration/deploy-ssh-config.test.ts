import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploySshConfig } from '../../src/firstboot/deploy-ssh-config.js';

/** The deploy's ssh config as the real OpenSSH client resolves it (`ssh -G` prints options without connecting). */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deploy-ssh-g-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Resolves the options for `host` with the generated config plus `userConfig` where `Include ~/.ssh/config` puts it. */
async function resolved(host: string, userConfig = ''): Promise<Map<string, string>> {
  const text = deploySshConfig({ address: '192.0.2.7', port: 2222 }, join(dir, 'known_hosts'));
  const file = join(dir, 'ssh_config');
  // An Include is read in place, so text after the generated file's own lines stands in for the user's config.
  await writeFile(file, text + userConfig);
  const result = spawnSync('ssh', ['-G', '-F', file, host], { encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  const options = new Map<string, string>();
  for (const line of result.stdout.split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0) options.set(line.slice(0, space), line.slice(space + 1));
  }
  return options;
}

describe('deploy ssh config, resolved by ssh -G', () => {
  it('trusts only the pinned known_hosts for the Pi, even over a user config that says otherwise', async () => {
    const options = await resolved(
      '192.0.2.7',
      'Host *\n  UpdateHostKeys yes\n  KnownHostsCommand /bin/echo %H\n  GlobalKnownHostsFile /etc/ssh/ssh_known_hosts\n',
    );
    expect(options.get('port')).toBe('2222');
    expect(options.get('stricthostkeychecking')).toBe('true');
    expect(options.get('userknownhostsfile')).toBe(join(dir, 'known_hosts'));
    expect(options.get('globalknownhostsfile')).toBe('/dev/null');
    expect(options.get('updatehostkeys')).toBe('false');
    // `none` is how ssh prints no command at all: the option is left out of -G's output.
    expect(options.has('knownhostscommand')).toBe(false);
  });

  it('leaves every other host (a build host) to the user config', async () => {
    const options = await resolved('builder.example', 'Host *\n  UpdateHostKeys yes\n');
    expect(options.get('updatehostkeys')).toBe('true');
    expect(options.get('globalknownhostsfile')).not.toBe('/dev/null');
  });
});
