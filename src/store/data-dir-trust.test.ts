import { chmod, chown, lchown, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertTrustedDataDir } from './data-dir-trust.js';

const NOBODY = 65534;
const asRoot = process.geteuid?.() === 0;
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'data-dir-trust-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (error: { code?: string; message: string }) => `${error.code}: ${error.message}`,
  );

describe('assertTrustedDataDir', () => {
  it('accepts a folder of ours below root-owned and sticky folders, made or not made yet', async () => {
    const own = path.join(dir, 'own');
    await mkdir(own, { mode: 0o700 });
    expect(await codeOf(assertTrustedDataDir(own))).toBe('accepted');
    expect(await codeOf(assertTrustedDataDir(path.join(own, 'not', 'yet')))).toBe('accepted');
  });

  it('accepts a folder our own primary group may write (umask 002 with a private group)', async () => {
    const shared = path.join(dir, 'group');
    await mkdir(shared);
    await chmod(shared, 0o775);
    await chown(shared, process.geteuid!(), process.getegid!());
    expect(await codeOf(assertTrustedDataDir(path.join(shared, 'data')))).toBe('accepted');
  });

  it('refuses a folder others may change, and anything below it, before it exists', async () => {
    const open = path.join(dir, 'open');
    await mkdir(open);
    await chmod(open, 0o777);
    expect(await codeOf(assertTrustedDataDir(path.join(open, 'data')))).toMatch(
      /^data-folder-untrusted: .*open can be changed by other users/,
    );
    expect(existsSync(path.join(open, 'data'))).toBe(false);
  });

  it.runIf(asRoot)(
    'refuses, as root, a data folder inside another user’s folder or through their link',
    async () => {
      const theirs = path.join(dir, 'theirs');
      await mkdir(theirs, { mode: 0o755 });
      await chown(theirs, NOBODY, NOBODY);
      expect(await codeOf(assertTrustedDataDir(path.join(theirs, 'app')))).toMatch(/belongs to user 65534/);

      const target = path.join(dir, 'target');
      await mkdir(target, { mode: 0o700 });
      const link = path.join(dir, 'link');
      await symlink(target, link);
      await lchown(link, NOBODY, NOBODY);
      expect(await codeOf(assertTrustedDataDir(link))).toMatch(/link belongs to user 65534/);
    },
  );
});
