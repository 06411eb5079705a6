import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlushBehind } from './decompress-image-flush.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'flush-behind-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('FlushBehind', () => {
  it('flushes once a step is unflushed, one flush at a time, and settles', async () => {
    const handle = await open(path.join(dir, 'a.img'), 'w+');
    try {
      const calls: number[] = [];
      const datasync = handle.datasync.bind(handle);
      handle.datasync = () => (calls.push(Date.now()), datasync());
      const flush = new FlushBehind(handle, 1000);
      await handle.write(Buffer.alloc(4000, 1), 0, 4000, 0);
      flush.advance(999); // less than a step
      expect(calls).toHaveLength(0);
      flush.advance(1000);
      flush.advance(3000); // the first flush is still running
      expect(calls).toHaveLength(1);
      await flush.settle();
      flush.advance(3000);
      expect(calls).toHaveLength(2);
      await flush.settle();
    } finally {
      await handle.close();
    }
  });

  it('reports a failed flush at settle, not as an unhandled rejection', async () => {
    const handle = await open(path.join(dir, 'b.img'), 'w+');
    await handle.close(); // fdatasync on a closed descriptor fails with EBADF
    const flush = new FlushBehind(handle, 1);
    flush.advance(10);
    await expect(flush.settle()).rejects.toMatchObject({ code: 'EBADF' });
    flush.advance(20); // after a failure nothing more is started
    await expect(flush.settle()).rejects.toMatchObject({ code: 'EBADF' });
  });
});
