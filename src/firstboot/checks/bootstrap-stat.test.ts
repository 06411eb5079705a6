import { describe, expect, it } from 'vitest';
import { bootstrapFilePaths, judgeBootstrapFiles, parseStatLines } from './bootstrap-stat.js';

const dir = '/var/lib/bootstrap';
const KEY = '/var/lib/bootstrap/ssh_host_ed25519_key';
const PUB = `${KEY}.pub`;
const good = `600 root root 411 ${KEY}\n644 root root 96 ${PUB}\n`;

describe('bootstrapFilePaths', () => {
  it('joins without doubling slashes', () => {
    expect(bootstrapFilePaths('/var/lib/bootstrap/')).toEqual({ key: KEY, pub: PUB });
  });
});

describe('parseStatLines', () => {
  it('keeps spaces in names and skips noise', () => {
    expect(parseStatLines('600 root root 12 /tmp/a b\nnot stat output\n')).toEqual([
      { mode: '600', owner: 'root', group: 'root', size: 12, name: '/tmp/a b' },
    ]);
  });
});

describe('judgeBootstrapFiles', () => {
  it('passes a private key 600 root with its .pub', () => {
    expect(judgeBootstrapFiles(dir, { stdout: good, stderr: '' })).toEqual({
      ok: true,
      summary: 'ssh_host_ed25519_key: mode 600, owner root, 411 bytes; ssh_host_ed25519_key.pub present',
    });
  });

  it('says which mode is wrong', () => {
    const verdict = judgeBootstrapFiles(dir, { stdout: good.replace('600', '644'), stderr: '' });
    expect(verdict).toEqual({ ok: false, summary: 'ssh_host_ed25519_key has mode 644 instead of 600' });
  });

  it('lists every problem with the key', () => {
    const stdout = `640 pi users 0 ${KEY}\n644 root root 96 ${PUB}\n`;
    expect(judgeBootstrapFiles(dir, { stdout, stderr: '' }).summary).toBe(
      'ssh_host_ed25519_key has mode 640 instead of 600; ssh_host_ed25519_key is owned by pi instead of root; ' +
        'ssh_host_ed25519_key is empty',
    );
  });

  it('reports a missing key from stat’s complaint', () => {
    const verdict = judgeBootstrapFiles(dir, {
      stdout: `644 root root 96 ${PUB}\n`,
      stderr: `stat: cannot statx '${KEY}': No such file or directory\n`,
    });
    expect(verdict).toEqual({
      ok: false,
      summary: 'ssh_host_ed25519_key is missing from /var/lib/bootstrap',
    });
  });

  it('reports both files missing, and an unreadable folder as such', () => {
    expect(judgeBootstrapFiles(dir, { stdout: '', stderr: '' }).summary).toBe(
      'ssh_host_ed25519_key is missing from /var/lib/bootstrap; ssh_host_ed25519_key.pub is missing from /var/lib/bootstrap',
    );
    const stderr = `stat: cannot statx '${KEY}': Permission denied\nstat: cannot statx '${PUB}': Permission denied\n`;
    expect(judgeBootstrapFiles(dir, { stdout: '', stderr }).summary).toBe(
      'ssh_host_ed25519_key cannot be checked (Permission denied); ' +
        'ssh_host_ed25519_key.pub cannot be checked (Permission denied)',
    );
  });
});
