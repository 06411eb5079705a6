import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followAndHash } from './decompress-image-follow.js';
import { HEAD_BYTES } from './decompress-image-sink.js';

const MIB = 1024 * 1024;
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'follow-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Appends `parts` to `file` with pauses, like a decompressor writing its stdout; a zero part becomes a hole. */
async function slowWriter(file: string, parts: Buffer[]): Promise<void> {
  const handle = await open(file, 'r+');
  let at = 0;
  for (const part of parts) {
    if (part.every((b) => b === 0)) await handle.truncate(at + part.length);
    else await handle.write(part, 0, part.length, at);
    at += part.length;
    await sleep(5);
  }
  await handle.close();
}

describe('followAndHash', () => {
  it('hashes a file that grows while it reads, holes included', async () => {
    const file = path.join(dir, 'growing.img');
    await writeFile(file, '');
    const parts = [
      randomBytes(3000),
      randomBytes(5 * MIB),
      Buffer.alloc(6 * MIB),
      randomBytes(100),
      Buffer.alloc(MIB),
    ];
    const all = Buffer.concat(parts);
    const seen: number[] = [];
    const followed = await followAndHash(file, slowWriter(file, parts), {
      signal: new AbortController().signal,
      onAdvance: (n) => seen.push(n),
    });
    expect(followed.size).toBe(all.length);
    expect(followed.sha256).toBe(createHash('sha256').update(all).digest('hex'));
    expect(followed.head.equals(all.subarray(0, HEAD_BYTES))).toBe(true);
    expect(seen.at(-1)).toBe(all.length);
  });

  it('still reads the rest when the writer failed, and stops on abort', async () => {
    const file = path.join(dir, 'failed.img');
    await writeFile(file, randomBytes(1000));
    const failed = await followAndHash(file, Promise.reject(new Error('writer died')), {
      signal: new AbortController().signal,
    });
    expect(failed.size).toBe(1000);

    const controller = new AbortController();
    const never = new Promise<void>(() => {});
    setTimeout(() => controller.abort(new Error('stop')), 30);
    await expect(followAndHash(file, never, { signal: controller.signal })).rejects.toThrow('stop');
  });
});
