import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliVersion } from './program.js';
import { runCli } from './run-cli.js';

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io = {
    out: (text: string) => void (out += text),
    err: (text: string) => void (err += text),
    terminal: null,
  };
  const code = await runCli(['node', 'companion', ...args], io, {});
  return { code, out, err };
}

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

describe('runCli', () => {
  it('prints the version and help, with exit 0', async () => {
    expect(await run('--version')).toEqual({ code: 0, out: `${cliVersion}\n`, err: '' });
    const help = await run('tasks', 'log', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage: companion tasks log \[options\] <id>/);
    expect(help.out).toContain('Exit codes:');
  });

  it('turns commander errors into exit 2 with a hint naming the right command', async () => {
    expect(await run('tasks', '--bogus')).toEqual({
      code: 2,
      out: '',
      err: 'error: unknown option \'--bogus\'\nhint: run "companion tasks --help" to see the usage.\n',
    });
    const missing = await run('keychain');
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/error: "companion keychain" needs a subcommand\.\nhint: .+\n$/);
  });

  it('says a command is unknown even when --help follows it, with exit 2', async () => {
    const plain = await run('bogus');
    expect(plain).toMatchObject({ code: 2, out: '' });
    expect(plain.err).toMatch(/^error: unknown command 'bogus'\n/);
    for (const line of [
      ['bogus', '--help'],
      ['-h', 'bogus'],
      ['--data-dir', '/tmp/x', 'bogus', '--help'],
      ['help', 'bogus'],
    ]) {
      expect(await run(...line), line.join(' ')).toEqual(plain);
    }
    const nested = await run('keychain', 'bogus', '--help');
    expect(nested).toMatchObject({ code: 2, out: '' });
    expect(nested.err).toMatch(/^error: unknown command 'bogus'\nhint: run "companion keychain --help"/);
    // Real commands and their arguments still get their help.
    expect(await run('tasks', 'log', 'bogus', '--help')).toMatchObject({ code: 0, err: '' });
    expect(await run('help', 'tasks')).toMatchObject({
      code: 0,
      out: expect.stringMatching(/^Usage: companion tasks/),
    });
  });

  it('checks a task id before asking the core', async () => {
    expect(await run('tasks', 'log', 'NOT AN ID')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^error: .+\nhint: .+\n$/),
    });
  });

  it('uses --data-dir for settings', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'companion-run-cli-'));
    dirs.push(dir);
    expect(await run('--data-dir', dir, 'settings', 'set', 'taskHistoryLimit', '7')).toMatchObject({
      code: 0,
      out: 'taskHistoryLimit = 7\n',
    });
    const shown = await run('settings', '--json', '--data-dir', dir);
    expect(JSON.parse(shown.out)).toMatchObject({
      settings: { taskHistoryLimit: 7 },
      file: join(dir, 'settings.json'),
    });
  });
});
