import { describe, expect, it } from 'vitest';
import { checkPrivateFile } from './check-private-file.js';
import { ScriptedShell } from '../../../test/helpers/scripted-shell.js';
import { shellCommand } from './shell-quote.js';

const FILE = '/var/lib/networkmanager/system-connections.env';
const command = shellCommand(['stat', '-c', '%a %U %G %s %n', '--', FILE]);

async function verdict(reply: { exitCode: number; stdout?: string; stderr?: string }) {
  const shell = new ScriptedShell().on(command, reply);
  return checkPrivateFile({ shell, signal: new AbortController().signal, file: FILE });
}

describe('checkPrivateFile', () => {
  it('passes a non-empty root file with mode 600', async () => {
    expect(await verdict({ exitCode: 0, stdout: `600 root root 52 ${FILE}\n` })).toMatchObject({
      status: 'pass',
    });
  });

  it('names every problem: mode, owner, emptiness', async () => {
    const outcome = await verdict({ exitCode: 0, stdout: `644 nm-openvpn root 0 ${FILE}\n` });
    expect(outcome).toMatchObject({ status: 'fail' });
    expect(outcome.summary).toBe(
      `${FILE}: mode 644 instead of 600, owned by nm-openvpn instead of root, empty`,
    );
  });

  it('says the file is missing', async () => {
    const outcome = await verdict({
      exitCode: 1,
      stderr: `stat: cannot statx '${FILE}': No such file or directory`,
    });
    expect(outcome).toMatchObject({ status: 'fail', summary: `${FILE} is missing` });
  });
});
