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

  it('returns the head without hashing when the writer finished between two passes', async () => {
    // The race made certain: the first pass sees the whole file while the writer still counts as running, and the
    // writer is reported finished from inside that pass, so the last pass finds nothing new to read.
    const file = path.join(dir, 'finished-early.img');
    const data = randomBytes(HEAD_BYTES * 3);
    await writeFile(file, data);
    let finish = () => {};
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const seen: number[] = [];
    const followed = await followAndHash(file, finished, {
      signal: new AbortController().signal,
      hash: false,
      onAdvance: (n) => {
        seen.push(n);
        finish();
      },
    });
    expect(seen).toEqual([data.length]); // one pass saw it all, then the last pass saw no growth
    expect(followed.size).toBe(data.length);
    expect(followed.sha256).toBe('');
    expect(followed.head.equals(data.subarray(0, HEAD_BYTES))).toBe(true);
  });

  it('returns a short head for a file shorter than HEAD_BYTES', async () => {
    const file = path.join(dir, 'short.img');
    const data = randomBytes(700);
    await writeFile(file, data);
    const followed = await followAndHash(file, Promise.resolve(), {
      signal: new AbortController().signal,
      hash: false,
    });
    expect(followed.head.equals(data)).toBe(true);
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
