import { mkdtemp, open, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { wipeSecretTemp } from './wipe-files.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'wipe-files-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes `text` to a partial-image name and keeps its inode open, so the bytes can be read after the unlink. */
async function heldPartial(text: string) {
  const file = path.join(dir, 'pi.img.partial-0123abcd');
  await writeFile(file, text);
  const handle = await open(file, 'r');
  const contents = async () =>
    (await handle.read(Buffer.alloc(text.length), 0, text.length, 0)).buffer.toString();
  return { file, handle, contents };
}

describe('wipeSecretTemp', () => {
  it('zeroes a partial image before unlinking it', async () => {
    const { file, handle, contents } = await heldPartial('WIFI_PSK=hunter2');
    expect(await wipeSecretTemp(file, 'partial-image')).toBe(true);
    expect(existsSync(file)).toBe(false);
    expect(await contents()).toBe('\0'.repeat(16));
    await handle.close();
  });

  it('only unlinks when told the file holds no secret yet (no pass over gigabytes)', async () => {
    const { file, handle, contents } = await heldPartial('decompressed only');
    expect(await wipeSecretTemp(file, 'partial-image', false)).toBe(true);
    expect(existsSync(file)).toBe(false);
    expect(await contents()).toBe('decompressed only');
    await handle.close();
  });

  it('leaves a symlink at the path and what it points to alone', async () => {
    const target = path.join(dir, 'precious');
    await writeFile(target, 'keep me');
    const link = path.join(dir, 'pi.img.partial-0123abcd');
    await symlink(target, link);
    expect(await wipeSecretTemp(link, 'partial-image')).toBe(false);
    expect(existsSync(link)).toBe(true);
    const handle = await open(target, 'r');
    expect((await handle.readFile()).toString()).toBe('keep me');
    await handle.close();
  });
});
