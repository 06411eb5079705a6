import { createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../errors.js';
import { knownHostsName, pinHostKey, readPinnedKeys } from './known-hosts.js';
import { generateEd25519HostKey } from './ssh-host-key.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'known-hosts-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const keyOf = (line: string) => line.split(' ').slice(0, 2).join(' ');

function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

describe('pinHostKey', () => {
  it('creates the file 0600 in a new 0700 directory', async () => {
    const file = join(dir, 'ssh', 'known_hosts');
    const key = generateEd25519HostKey('root@pi');
    await pinHostKey({ file, hostNames: ['pi', 'pi.local'], publicKeyLine: key.publicKeyLine });
    expect(await readFile(file, 'utf8')).toBe(`pi,pi.local ${keyOf(key.publicKeyLine)}\n`);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'ssh'))).mode & 0o777).toBe(0o700);
    expect(await readPinnedKeys(file, 'pi.local')).toEqual([keyOf(key.publicKeyLine)]);
  });

  it('replaces every old entry for the names and keeps all other lines byte for byte', async () => {
    const file = join(dir, 'known_hosts');
    const old = keyOf(generateEd25519HostKey('old').publicKeyLine);
    const other = keyOf(generateEd25519HostKey('other').publicKeyLine);
    const lines = [
      '# my hosts',
      `github.com ${other}`,
      `PI.local ${old}`,
      `pi,nas ${old} comment kept`,
      `${hashed('pi.local')} ${old}`,
      `${hashed('elsewhere')} ${other}`,
      `@revoked pi.local ${old}`,
      `*.lan ${other}`,
      `windows.example ${other}\r`,
      '',
      `  [pi.local]:2222 ${other}`,
    ];
    await writeFile(file, `${lines.join('\n')}\n`, { mode: 0o644 });
    const key = generateEd25519HostKey('root@pi');
    await pinHostKey({ file, hostNames: ['pi', 'pi.local'], publicKeyLine: key.publicKeyLine });
    expect((await readFile(file, 'utf8')).split('\n')).toEqual([
      '# my hosts',
      `github.com ${other}`,
      `nas ${old} comment kept`,
      lines[5],
      lines[6],
      lines[7],
      lines[8],
      '',
      lines[10],
      `pi,pi.local ${keyOf(key.publicKeyLine)}`,
      '',
    ]);
    expect((await stat(file)).mode & 0o777).toBe(0o644);
    expect(await readPinnedKeys(file, 'pi.local')).toEqual([keyOf(key.publicKeyLine)]);
    expect(await readPinnedKeys(file, '[pi.local]:2222')).toEqual([other]);
  });

  it('is idempotent', async () => {
    const file = join(dir, 'known_hosts');
    const key = generateEd25519HostKey('root@pi');
    await pinHostKey({ file, hostNames: ['pi.local'], publicKeyLine: key.publicKeyLine });
    const once = await readFile(file, 'utf8');
    await pinHostKey({ file, hostNames: ['pi.local'], publicKeyLine: key.publicKeyLine });
    expect(await readFile(file, 'utf8')).toBe(once);
  });

  it('refuses names that would corrupt the file', async () => {
    const file = join(dir, 'known_hosts');
    const publicKeyLine = generateEd25519HostKey('x').publicKeyLine;
    for (const name of ['', 'a b', 'a,b', '*.lan', '[pi.local]', '!pi']) {
      await expect(pinHostKey({ file, hostNames: [name], publicKeyLine })).rejects.toThrow(
        InvalidRequestError,
      );
    }
    await expect(pinHostKey({ file, hostNames: ['pi'], publicKeyLine: 'nonsense' })).rejects.toThrow(
      InvalidRequestError,
    );
  });
});

describe('readPinnedKeys', () => {
  it('matches hashed, wildcard and negated patterns like OpenSSH', async () => {
    const file = join(dir, 'known_hosts');
    const [a, b, c] = ['a', 'b', 'c'].map((c) => keyOf(generateEd25519HostKey(c).publicKeyLine));
    await writeFile(
      file,
      [
        `${hashed(knownHostsName('pi.local', 2222))} ${a}`,
        `*.local,!nas.local ${b}`,
        `@cert-authority *.local ${c}`,
      ].join('\n'),
    );
    expect(await readPinnedKeys(file, '[pi.local]:2222')).toEqual([a]);
    expect(await readPinnedKeys(file, 'pi.local')).toEqual([b]);
    expect(await readPinnedKeys(file, 'nas.local')).toEqual([]);
    expect(await readPinnedKeys(join(dir, 'absent'), 'pi.local')).toEqual([]);
  });

  it('spells non-22 ports as [host]:port', () => {
    expect(knownHostsName('pi.local')).toBe('pi.local');
    expect(knownHostsName('pi.local', 2222)).toBe('[pi.local]:2222');
  });
});
