import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, open, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEAD_BYTES, ImageSink } from './decompress-image-sink.js';

const KIB = 1024;
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'image-sink-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Streams `data` through an ImageSink in uneven chunks; returns what the sink saw and what landed on disk. */
async function sinkOf(data: Buffer, name: string, bufferBytes = 256 * KIB) {
  const file = path.join(dir, name);
  const handle = await open(file, 'wx', 0o600);
  const seen: number[] = [];
  const sink = new ImageSink(handle, { bufferBytes, onWritten: (n) => seen.push(n) });
  const sizes = [1, 511, 70 * KIB, 3 * KIB, 300 * KIB, 64 * KIB];
  const chunks: Buffer[] = [];
  for (let at = 0, i = 0; at < data.length; i++) {
    const n = sizes[i % sizes.length] ?? 1;
    chunks.push(data.subarray(at, at + n));
    at += n;
  }
  await pipeline(Readable.from(chunks), sink);
  await handle.close();
  return { sink, file, seen, onDisk: await readFile(file), info: await stat(file) };
}

describe('ImageSink', () => {
  it('writes exactly the input, hashes it and keeps the head', async () => {
    const data = Buffer.concat([randomBytes(700 * KIB), Buffer.alloc(900 * KIB), randomBytes(123 * KIB)]);
    const { sink, onDisk, seen } = await sinkOf(data, 'mixed.img');
    expect(onDisk.equals(data)).toBe(true);
    expect(sink.written).toBe(data.length);
    expect(sink.sha256).toBe(createHash('sha256').update(data).digest('hex'));
    expect(sink.head.equals(data.subarray(0, HEAD_BYTES))).toBe(true);
    expect(seen.at(-1)).toBe(data.length);
  });

  it('leaves holes for zero blocks, including a trailing run that only sets the length', async () => {
    const data = Buffer.concat([randomBytes(64 * KIB), Buffer.alloc(8 * 1024 * KIB)]);
    const { onDisk, info } = await sinkOf(data, 'sparse.img');
    expect(info.size).toBe(data.length);
    expect(onDisk.equals(data)).toBe(true);
    // 64 KiB of data plus file system slack, not 8 MiB of zeros.
    expect(info.blocks * 512).toBeLessThan(1024 * KIB);
  });

  it('handles an empty stream', async () => {
    const { sink, info } = await sinkOf(Buffer.alloc(0), 'empty.img');
    expect(info.size).toBe(0);
    expect(sink.sha256).toBe(createHash('sha256').digest('hex'));
    expect(sink.head.length).toBe(0);
  });

  it('refuses to give a digest before the stream finished', async () => {
    const handle = await open(path.join(dir, 'unfinished.img'), 'wx');
    const sink = new ImageSink(handle);
    expect(() => sink.sha256).toThrow(/before the stream finished/);
    sink.destroy();
    await handle.close();
  });
});
