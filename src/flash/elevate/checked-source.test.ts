import { execFileSync } from 'node:child_process';
import { mkdtemp, rename, rm, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSourceAsUser, reopenChecked } from './checked-source.js';

let dir = '';
let image = '';

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'checked-source-'));
  image = path.join(dir, 'pi.img');
  await writeFile(image, 'the image the user chose');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const refusal = {
  code: 'flash-source-refused',
  message: expect.stringContaining('changed while it was being checked'),
};

describe('reopenChecked (the source cannot be pinned)', () => {
  it('returns root’s own descriptor when the path still leads to the checked file', async () => {
    const handle = await reopenChecked(image, await stat(image));
    expect((await handle.stat()).ino).toBe((await stat(image)).ino);
    await handle.close();
  });

  it('refuses a file swapped in at the same path after the check', async () => {
    const checked = await stat(image);
    const other = path.join(dir, 'other.img');
    await writeFile(other, 'something the user may not read');
    await rename(other, image);
    await expect(reopenChecked(image, checked)).rejects.toMatchObject(refusal);
  });

  it('refuses a symlink swapped in, even one leading back to the checked file', async () => {
    const checked = await stat(image);
    const kept = path.join(dir, 'kept.img');
    await rename(image, kept);
    await symlink(kept, image);
    await expect(reopenChecked(image, checked)).rejects.toMatchObject(refusal);
  });

  it('refuses a FIFO swapped in without waiting for a writer on it', async () => {
    const checked = await stat(image);
    await unlink(image);
    execFileSync('mkfifo', [image]);
    await expect(reopenChecked(image, checked)).rejects.toMatchObject(refusal);
  });
});

describe('openSourceAsUser', () => {
  it('falls back to the re-checked reopen where it cannot bind-mount (macOS)', async () => {
    const checked = await openSourceAsUser(image, null, 'darwin');
    expect(checked).toMatchObject({ path: image, realPath: image, pinned: 're-checked' });
    await checked.close();
  });
});
