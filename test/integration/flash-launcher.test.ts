// The root launcher of the flash writer (resources/bin/companion-flash-writer), run as root the way pkexec runs it:
// it must only ever start a node and a writer that root alone could have put in place, take no argument on Linux, and
// tell the writer under which authorization (SD card, or internal disk) it was started.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chmod, chown, copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const LAUNCHER = join(process.cwd(), 'resources', 'bin', 'companion-flash-writer');
const INTERNAL = `${LAUNCHER}-internal`;
let app: string;
const run = (args: string[] = [], name = 'companion-flash-writer', env: NodeJS.ProcessEnv = {}) =>
  spawnSync(join(app, 'bin', name), args, { encoding: 'utf8', env });
/** The environment the runtime was given (the stand-ins print it on stderr). */
const envOf = (stderr: string) =>
  stderr
    .split('\n')
    .filter((line) => /^[A-Z_]+=/.test(line) && !line.startsWith('PWD='))
    .sort();

beforeEach(async () => {
  app = await mkdtemp(join(tmpdir(), 'launcher-'));
  await mkdir(join(app, 'bin'));
  await mkdir(join(app, 'helper'));
  for (const [from, name] of [
    [LAUNCHER, 'companion-flash-writer'],
    [INTERNAL, 'companion-flash-writer-internal'],
  ] as const) {
    await copyFile(from, join(app, 'bin', name));
    await chmod(join(app, 'bin', name), 0o755);
  }
  // Prints the script it was given and the environment it got, so the tests see both.
  await writeFile(join(app, 'bin', 'node'), '#!/bin/sh\necho "bundled node ran $2"\nenv >&2\n', {
    mode: 0o755,
  });
  await writeFile(join(app, 'helper', 'companion-flash-writer.cjs'), 'console.log("system node ran")\n', {
    mode: 0o644,
  });
});

afterEach(() => rm(app, { recursive: true, force: true }));

describe.skipIf(process.getuid?.() !== 0)('the flash writer launcher', () => {
  it('runs the bundled node on the bundled writer when root alone can change them', () => {
    const result = run();
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe(`bundled node ran ${join(app, 'helper', 'companion-flash-writer.cjs')}\n`);
    expect(result.stdout).not.toContain('..');
  });

  it('skips a node that another user could replace, for the system one', async () => {
    await chmod(join(app, 'bin', 'node'), 0o757);
    const result = run();
    expect(result.stdout).toBe('system node ran\n');
  });

  it('runs nothing from a launcher folder another user could change (the node, or the launcher itself)', async () => {
    await chmod(join(app, 'bin'), 0o777);
    const result = run();
    expect(result.status).toBe(3);
    expect(result.stdout).toContain('started from a place another user can change');
  });

  it('follows a root-owned link to a root-only node, but not one in a folder another user can change', async () => {
    await rm(join(app, 'bin', 'node'));
    await mkdir(join(app, 'real'));
    await writeFile(join(app, 'real', 'node'), '#!/bin/sh\necho "linked node ran"\n', { mode: 0o755 });
    await symlink('../real/node', join(app, 'bin', 'node'));
    expect(run().stdout).toBe('linked node ran\n');
    await chmod(join(app, 'real'), 0o777);
    expect(run().stdout).toBe('system node ran\n');
  });

  it('passes the writer a clean environment: only whom it writes for', () => {
    const result = spawnSync(join(app, 'bin', 'companion-flash-writer'), [], {
      encoding: 'utf8',
      env: { PKEXEC_UID: '1000', NODE_OPTIONS: '--require /tmp/evil.js' },
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('bundled node ran');
    const env = result.stderr
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line) && !line.startsWith('PWD='));
    expect(env.sort()).toEqual([
      'COMPANION_WRITER_SCOPE=removable',
      'PATH=/usr/sbin:/usr/bin:/sbin:/bin:/run/current-system/sw/bin',
      'PKEXEC_UID=1000',
    ]);
  });

  it('refuses a writer that another user could change, in the writer protocol, with what to do', async () => {
    await chmod(join(app, 'helper', 'companion-flash-writer.cjs'), 0o666);
    const result = run();
    expect(result.status).toBe(3);
    const message = JSON.parse(result.stdout) as { error: { code: string; message: string; hint: string } };
    expect(message.error.code).toBe('flash-elevation-unavailable');
    expect(message.error.message).toMatch(/another user could replace/);
  });

  it('takes no argument on Linux: refused before any runtime starts, nothing named is created or touched', async () => {
    const target = join(app, 'profile.sh');
    await writeFile(target, 'keep me\n');
    const made = join(app, 'made-by-root');
    for (const args of [['--in', '/dev/null', '--out', target], ['--out', made], ['x']]) {
      const result = run(args);
      expect(result.status).toBe(2);
      expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: 'flash-writer-usage' } });
      expect(result.stdout + result.stderr).not.toContain('node ran');
    }
    expect(await readFile(target, 'utf8')).toBe('keep me\n');
    expect(existsSync(made)).toBe(false);
  });

  it('says internal only when started as companion-flash-writer-internal, whatever the caller sets', () => {
    const disk = ['ata-WDC_WD20EZAZ_WD-WX12', '2000398934016'];
    const internal = run(disk, 'companion-flash-writer-internal', { PKEXEC_UID: '1000' });
    expect(internal.status, internal.stderr).toBe(0);
    // The disk goes to the writer in its clean environment, and nothing of it on its command line.
    expect(internal.stdout).toBe(`bundled node ran ${join(app, 'helper', 'companion-flash-writer.cjs')}\n`);
    expect(envOf(internal.stderr)).toEqual([
      'COMPANION_WRITER_DISK=ata-WDC_WD20EZAZ_WD-WX12',
      'COMPANION_WRITER_DISK_BYTES=2000398934016',
      'COMPANION_WRITER_SCOPE=internal',
      'PATH=/usr/sbin:/usr/bin:/sbin:/bin:/run/current-system/sw/bin',
      'PKEXEC_UID=1000',
    ]);
    const forged = run([], 'companion-flash-writer', {
      COMPANION_WRITER_SCOPE: 'internal',
      COMPANION_WRITER_DISK: 'sda',
      COMPANION_WRITER_DISK_BYTES: '1',
    });
    expect(envOf(forged.stderr)).toEqual([
      'COMPANION_WRITER_SCOPE=removable',
      'PATH=/usr/sbin:/usr/bin:/sbin:/bin:/run/current-system/sw/bin',
    ]);
  });

  it('runs no sibling launcher that another user could have changed, from the internal launcher', async () => {
    const marker = join(app, 'sibling-ran');
    const sibling = join(app, 'bin', 'companion-flash-writer');
    await writeFile(sibling, `#!/bin/sh\ntouch '${marker}'\n`);
    for (const plant of [() => chown(sibling, 65534, 65534), () => chmod(sibling, 0o666)]) {
      await chown(sibling, 0, 0);
      await chmod(sibling, 0o755);
      await plant();
      const result = run(['sda', '1000'], 'companion-flash-writer-internal');
      expect(result.status).toBe(3);
      expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: 'flash-elevation-unavailable' } });
      expect(existsSync(marker)).toBe(false);
    }
  });

  it('finds no writer through an internal-launcher name in a folder another user can change', async () => {
    const evil = join(app, 'evil');
    await mkdir(evil, { mode: 0o777 });
    await chmod(evil, 0o777);
    await symlink(join(app, 'bin', 'companion-flash-writer'), join(evil, 'companion-flash-writer-internal'));
    const result = spawnSync(join(evil, 'companion-flash-writer-internal'), ['sda', '1000'], {
      encoding: 'utf8',
      env: {},
    });
    expect(result.status).toBe(3);
    expect(result.stdout).toContain('flash-elevation-unavailable');
  });
});

/**
 * The installed layout (.deb: /opt/<app>/<binary>, the launcher in resources/resources/bin), with a stand-in for the
 * app's Electron binary: the launcher runs it as Node only where packaging said RunAsNode is on for it.
 */
describe.skipIf(process.getuid?.() !== 0)('the flash writer runtime in the installed layout', () => {
  let opt: string;
  const bin = () => join(opt, 'resources', 'resources', 'bin');
  const electron = () => join(opt, 'pi-backup-companion');
  const launch = () =>
    spawnSync(join(bin(), 'companion-flash-writer'), [], { encoding: 'utf8', env: { PKEXEC_UID: '1000' } });

  beforeEach(async () => {
    opt = await mkdtemp(join(tmpdir(), 'installed-'));
    await mkdir(bin(), { recursive: true });
    await mkdir(join(opt, 'resources', 'resources', 'helper'));
    await copyFile(LAUNCHER, join(bin(), 'companion-flash-writer'));
    await chmod(join(bin(), 'companion-flash-writer'), 0o755);
    await writeFile(
      join(opt, 'resources', 'resources', 'helper', 'companion-flash-writer.cjs'),
      'console.log("system node ran")\n',
    );
    await writeFile(
      electron(),
      '#!/bin/sh\necho "electron ran as node=$ELECTRON_RUN_AS_NODE $1 $2"\nenv >&2\n',
      {
        mode: 0o755,
      },
    );
    await writeFile(join(bin(), 'electron-runtime'), 'pi-backup-companion\n', { mode: 0o644 });
  });

  afterEach(() => rm(opt, { recursive: true, force: true }));

  it('runs the app binary as Node on the writer, in the clean environment', () => {
    const result = launch();
    expect(result.status, result.stderr).toBe(0);
    const script = join(opt, 'resources', 'resources', 'helper', 'companion-flash-writer.cjs');
    expect(result.stdout).toBe(`electron ran as node=1 -- ${script}\n`);
    expect(envOf(result.stderr)).toEqual([
      'COMPANION_WRITER_SCOPE=removable',
      'ELECTRON_RUN_AS_NODE=1',
      'PATH=/usr/sbin:/usr/bin:/sbin:/bin:/run/current-system/sw/bin',
      'PKEXEC_UID=1000',
    ]);
  });

  it('never runs the app binary without the packaging marker (it would start the GUI as root)', async () => {
    await rm(join(bin(), 'electron-runtime'));
    expect(launch().stdout).toBe('system node ran\n');
  });

  it('ignores a marker or a binary another user could change, and a marker naming another path', async () => {
    await chmod(join(bin(), 'electron-runtime'), 0o666);
    expect(launch().stdout).toBe('system node ran\n');
    await chmod(join(bin(), 'electron-runtime'), 0o644);
    await chmod(electron(), 0o777);
    expect(launch().stdout).toBe('system node ran\n');
    await chmod(electron(), 0o755);
    await writeFile(join(bin(), 'electron-runtime'), '../pi-backup-companion\n');
    expect(launch().stdout).toBe('system node ran\n');
  });

  it('prefers a Node shipped next to the launcher (the macOS package) over the app binary', async () => {
    await writeFile(join(bin(), 'node'), '#!/bin/sh\necho "shipped node ran"\n', { mode: 0o755 });
    expect(launch().stdout).toBe('shipped node ran\n');
  });

  it('turns RunAsNode on in packaging for Linux only, NODE_OPTIONS and --inspect off everywhere', async () => {
    const { FuseV1Options } = await import('@electron/fuses');
    // The packaging hook is CommonJS, loaded the way electron-builder loads it.
    const { fusesFor } = createRequire(import.meta.url)('../../scripts/after-pack.cjs') as {
      fusesFor: (platform: string) => Record<number, boolean>;
    };
    expect(fusesFor('linux')[FuseV1Options.RunAsNode]).toBe(true);
    expect(fusesFor('darwin')[FuseV1Options.RunAsNode]).toBe(false);
    for (const platform of ['linux', 'darwin']) {
      expect(fusesFor(platform)[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false);
      expect(fusesFor(platform)[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
    }
  });
});
