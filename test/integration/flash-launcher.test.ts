// The root launcher of the flash writer (resources/bin/companion-flash-writer), run as root the way pkexec runs it:
// it must only ever start a node and a writer that root alone could have put in place.
import { spawnSync } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const LAUNCHER = join(process.cwd(), 'resources', 'bin', 'companion-flash-writer');
let app: string;
const run = () => spawnSync(join(app, 'bin', 'companion-flash-writer'), [], { encoding: 'utf8', env: {} });

beforeEach(async () => {
  app = await mkdtemp(join(tmpdir(), 'launcher-'));
  await mkdir(join(app, 'bin'));
  await mkdir(join(app, 'helper'));
  await copyFile(LAUNCHER, join(app, 'bin', 'companion-flash-writer'));
  await chmod(join(app, 'bin', 'companion-flash-writer'), 0o755);
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

  it('skips a node in a folder that another user could change', async () => {
    await chmod(join(app, 'bin'), 0o777);
    expect(run().stdout).toBe('system node ran\n');
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
    expect(env.sort()).toEqual(['PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'PKEXEC_UID=1000']);
  });

  it('refuses a writer that another user could change, in the writer protocol, with what to do', async () => {
    await chmod(join(app, 'helper', 'companion-flash-writer.cjs'), 0o666);
    const result = run();
    expect(result.status).toBe(3);
    const message = JSON.parse(result.stdout) as { error: { code: string; message: string; hint: string } };
    expect(message.error.code).toBe('flash-elevation-unavailable');
    expect(message.error.message).toMatch(/another user could replace/);
  });
});
