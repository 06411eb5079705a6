import {
  chmodSync,
  existsSync,
  linkSync,
  readFileSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withSecureTempDir, writeSecretFile } from './secure-temp.js';
import { overwriteWithZeros } from './zero-file.js';

let outside: string;

beforeEach(async () => {
  outside = await mkdtemp(path.join(tmpdir(), 'secure-temp-test-'));
});

afterEach(async () => {
  await rm(outside, { recursive: true, force: true });
});

const SECRET = Buffer.from('-----BEGIN OPENSSH PRIVATE KEY-----\nnot really\n');

describe('withSecureTempDir', () => {
  it('gives a private 0700 directory and secret files 0600', async () => {
    await withSecureTempDir(async (dir) => {
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      const file = await writeSecretFile(dir, 'key', SECRET);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readFileSync(file).equals(SECRET)).toBe(true);
    });
  });

  it('zeroes each file (same length) before unlinking it, then removes the directory', async () => {
    // A hard link outside keeps the inode alive, so we can look at what the scrub left in it.
    const witness = path.join(outside, 'witness');
    let seen = '';
    const result = await withSecureTempDir(async (dir) => {
      seen = dir;
      linkSync(await writeSecretFile(dir, 'key', SECRET), witness);
      return 42;
    });
    expect(result).toBe(42);
    expect(existsSync(seen)).toBe(false);
    const left = readFileSync(witness);
    expect(left.length).toBe(SECRET.length);
    expect(left.every((byte) => byte === 0)).toBe(true);
  });

  it('cleans up when the callback throws, and rethrows its error', async () => {
    const witness = path.join(outside, 'witness');
    let seen = '';
    const error = await withSecureTempDir(async (dir) => {
      seen = dir;
      linkSync(await writeSecretFile(dir, 'key', SECRET), witness);
      throw new Error('boom');
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('boom');
    expect(existsSync(seen)).toBe(false);
    expect(readFileSync(witness).every((byte) => byte === 0)).toBe(true);
  });

  it('cleans up an aborted callback too', async () => {
    let seen = '';
    const controller = new AbortController();
    const run = withSecureTempDir(async (dir) => {
      seen = dir;
      await writeSecretFile(dir, 'key', SECRET);
      await new Promise((_, reject) =>
        controller.signal.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    });
    setTimeout(() => controller.abort(), 10);
    await expect(run).rejects.toThrow('aborted');
    expect(existsSync(seen)).toBe(false);
  });

  it('removes subdirectories and does not write zeros through a planted symlink', async () => {
    const target = path.join(outside, 'target');
    writeFileSync(target, 'keep me');
    await withSecureTempDir(async (dir) => {
      symlinkSync(target, path.join(dir, 'link'));
      await withSecureTempDir(async () => {}, { parent: dir });
    });
    expect(readFileSync(target, 'utf8')).toBe('keep me');
  });
  it('puts no secret in a folder others could swap it out of (its wipe would refuse it)', async () => {
    chmodSync(outside, 0o777);
    let ran = false;
    const run = withSecureTempDir(
      async () => {
        ran = true;
      },
      { parent: outside },
    );
    await expect(run).rejects.toMatchObject({ code: 'secure-temp-unsafe-folder' });
    expect(ran).toBe(false);
    expect(readdirSync(outside)).toEqual([]);
  });
});

describe('writeSecretFile', () => {
  it('refuses names that are not plain file names, and existing files', async () => {
    await withSecureTempDir(async (dir) => {
      for (const name of ['', '.', '..', 'a/b', '../x']) {
        await expect(writeSecretFile(dir, name, SECRET)).rejects.toThrow('not a plain file name');
      }
      await writeSecretFile(dir, 'key', SECRET);
      await expect(writeSecretFile(dir, 'key', SECRET)).rejects.toMatchObject({ code: 'EEXIST' });
    });
  });
});

describe('overwriteWithZeros', () => {
  it('overwrites a file larger than one chunk and an empty file', () => {
    const big = path.join(outside, 'big');
    writeFileSync(big, Buffer.alloc(200_000, 0xab));
    overwriteWithZeros(big);
    const left = readFileSync(big);
    expect(left.length).toBe(200_000);
    expect(left.every((byte) => byte === 0)).toBe(true);
    const empty = path.join(outside, 'empty');
    writeFileSync(empty, '');
    overwriteWithZeros(empty);
    expect(readFileSync(empty).length).toBe(0);
  });
});
