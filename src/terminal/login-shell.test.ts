import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findLoginShell, type LoginShellSources } from './login-shell.js';

const root = mkdtempSync(join(tmpdir(), 'login-shell-'));
const zsh = join(root, 'zsh');
const fish = join(root, 'fish');
const plain = join(root, 'plain');
writeFileSync(zsh, '#!/bin/sh\n', { mode: 0o755 });
writeFileSync(fish, '#!/bin/sh\n', { mode: 0o755 });
writeFileSync(plain, 'not a program\n', { mode: 0o644 });
symlinkSync(zsh, join(root, 'zsh-link'));
const shellsFile = join(root, 'shells');
writeFileSync(shellsFile, `# comment\n${zsh}\n  ${fish}  \n${plain}\n${join(root, 'gone')}\n`);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const find = (sources: Partial<LoginShellSources>) =>
  findLoginShell({ accountShell: null, envShell: undefined, shellsFile, platform: 'linux', ...sources });

describe('findLoginShell', () => {
  it("takes the account's shell over $SHELL, started as a login shell", () => {
    expect(find({ accountShell: zsh, envShell: fish })).toEqual({ file: zsh, args: ['-l'] });
  });

  it("falls back to $SHELL when the account's shell is not a listed, executable file", () => {
    expect(find({ accountShell: '/usr/sbin/nologin', envShell: fish })).toEqual({ file: fish, args: ['-l'] });
    expect(find({ accountShell: plain, envShell: fish }).file).toBe(fish);
    expect(find({ accountShell: join(root, 'gone'), envShell: fish }).file).toBe(fish);
  });

  it.each([
    ['not listed, even through a link to a listed one', join(root, 'zsh-link')],
    ['relative', 'zsh'],
    ['not executable', plain],
    ['missing', join(root, 'gone')],
  ])('refuses a shell that is %s', (_why, shell) => {
    expect(() => find({ accountShell: shell, envShell: shell })).toThrow(
      expect.objectContaining({
        code: 'terminal-start-failed',
        message: expect.stringContaining(shellsFile),
        hint: expect.stringContaining('chsh'),
      }),
    );
  });

  it('refuses when no shell is set at all', () => {
    expect(() => find({})).toThrow(expect.objectContaining({ message: expect.stringMatching(/none set/) }));
  });

  it("uses glibc's default list when the shells file is missing", () => {
    const sources = { shellsFile: join(root, 'no-shells'), envShell: '/bin/sh' };
    expect(find(sources)).toEqual({ file: '/bin/sh', args: ['-l'] });
    expect(() => find({ ...sources, envShell: zsh })).toThrow(
      expect.objectContaining({ code: 'terminal-start-failed' }),
    );
  });

  it('opens cmd.exe from the system folder on Windows, whatever $SHELL says', () => {
    expect(find({ platform: 'win32', envShell: fish, systemRoot: 'D:\\Windows' })).toEqual({
      file: join('D:\\Windows', 'System32', 'cmd.exe'),
      args: [],
    });
  });
});
