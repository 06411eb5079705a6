import { describe, expect, it } from 'vitest';
import { checkBootstrapFiles } from './check-bootstrap-files.js';
import { ScriptedShell } from '../../../test/helpers/scripted-shell.js';

const STAT =
  "'stat' '-c' '%a %U %G %s %n' '--' '/var/lib/bootstrap/ssh_host_ed25519_key' '/var/lib/bootstrap/ssh_host_ed25519_key.pub'";
const KEY = '/var/lib/bootstrap/ssh_host_ed25519_key';

describe('checkBootstrapFiles', () => {
  it('passes with a private key 600 root and its .pub', async () => {
    const shell = new ScriptedShell().on(STAT, {
      stdout: `600 root root 411 ${KEY}\n644 root root 96 ${KEY}.pub\n`,
    });
    const outcome = await checkBootstrapFiles({ shell, dir: '/var/lib/bootstrap' });
    expect(outcome.status).toBe('pass');
  });

  it('fails on mode 644', async () => {
    const shell = new ScriptedShell().on(STAT, {
      stdout: `644 root root 411 ${KEY}\n644 root root 96 ${KEY}.pub\n`,
    });
    expect((await checkBootstrapFiles({ shell, dir: '/var/lib/bootstrap' })).summary).toBe(
      'ssh_host_ed25519_key has mode 644 instead of 600',
    );
  });

  it('fails on a missing key even though stat printed the .pub', async () => {
    const shell = new ScriptedShell().on(STAT, {
      exitCode: 1,
      stdout: `644 root root 96 ${KEY}.pub\n`,
      stderr: `stat: cannot statx '${KEY}': No such file or directory\n`,
    });
    expect(await checkBootstrapFiles({ shell, dir: '/var/lib/bootstrap' })).toMatchObject({
      status: 'fail',
      summary: 'ssh_host_ed25519_key is missing from /var/lib/bootstrap',
    });
  });

  it('quotes an awkward folder for the shell', async () => {
    const shell = new ScriptedShell();
    await checkBootstrapFiles({ shell, dir: "/tmp/it's here" });
    expect(shell.calls[0]?.command).toBe(
      "'stat' '-c' '%a %U %G %s %n' '--' '/tmp/it'\\''s here/ssh_host_ed25519_key' '/tmp/it'\\''s here/ssh_host_ed25519_key.pub'",
    );
  });

  it('fails when stat itself is missing', async () => {
    expect((await checkBootstrapFiles({ shell: new ScriptedShell(), dir: '/x' })).summary).toBe(
      'stat not found (exit 127) on the Pi',
    );
  });
});
