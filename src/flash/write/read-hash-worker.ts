/** What the reader and hasher workers post back to the main thread. */
export type WorkerMessage =
  | { kind: 'block'; slot: number; offset: number; length: number }
  | { kind: 'end'; size: number; sha256: string }
  | { kind: 'error'; code: string | undefined; message: string };

/** What the reader posts to the hasher: each filled slot in order, then the end. */
export type HashJob = { slot: number; length: number } | { end: true };

/**
 * Each slot's control word holds who still needs its bytes: the writer (main thread) and, when hashing, the hasher.
 * The reader refills a slot only once the word is back to zero, so a slow hash never blocks the decompressor's pipe
 * while the writer is ahead, and a slow write never blocks hashing.
 */
export const NEEDS_WRITE = 1;
export const NEEDS_HASH = 2;

/** Clears `bit` of a slot's word and wakes the reader if it waits for that slot. */
export function releaseSlot(state: Int32Array, slot: number, bit: number): void {
  Atomics.and(state, slot, ~bit);
  Atomics.notify(state, slot);
}

/**
 * Runs in a worker thread (eval'd, so it works the same from sources, tests and bundles): fills shared slots from `fd`
 * with blocking reads while the main thread writes earlier slots to the device. Blocking reads on a pipe return at most
 * 64 KiB each; done on the event loop's thread pool they capped a decompressor at ~600 MB/s here, done in a tight loop
 * in this thread they keep up with zstd. Hashing is a third thread's job: done here it stalled the pipe (and so zstd)
 * for ~2.5 ms per 4 MiB block.
 */
export const READ_WORKER = `
const { readSync } = require('node:fs');
const { parentPort, workerData } = require('node:worker_threads');
const { fd, memory, control, slots, blockBytes, hashPort, positional } = workerData;
const state = new Int32Array(control);
const fresh = ${NEEDS_WRITE} | (hashPort ? ${NEEDS_HASH} : 0);
let offset = 0;
try {
  for (let turn = 0; ; turn++) {
    const slot = turn % slots;
    for (let word; (word = Atomics.load(state, slot)) !== 0; ) Atomics.wait(state, slot, word);
    const view = new Uint8Array(memory, slot * blockBytes, blockBytes);
    let length = 0;
    while (length < blockBytes) {
      const got = readSync(fd, view, length, blockBytes - length, positional ? offset + length : null);
      if (got === 0) break;
      length += got;
    }
    if (length > 0) {
      Atomics.store(state, slot, fresh);
      hashPort?.postMessage({ slot, length });
      parentPort.postMessage({ kind: 'block', slot, offset, length });
      offset += length;
    }
    if (length < blockBytes) {
      hashPort?.postMessage({ end: true });
      parentPort.postMessage({ kind: 'end', size: offset, sha256: '' });
      break;
    }
  }
} catch (error) {
  parentPort.postMessage({ kind: 'error', code: error.code, message: error.message });
}
`;

/** Hashes the slots the reader filled, in order, then posts the digest as `{kind: 'end', sha256}`. */
export const HASH_WORKER = `
const { createHash } = require('node:crypto');
const { parentPort, workerData } = require('node:worker_threads');
const { memory, control, blockBytes, hashPort } = workerData;
const state = new Int32Array(control);
const hash = createHash('sha256');
let size = 0;
hashPort.on('message', (job) => {
  if (job.end) {
    parentPort.postMessage({ kind: 'end', size, sha256: hash.digest('hex') });
    hashPort.close();
    return;
  }
  hash.update(new Uint8Array(memory, job.slot * blockBytes, job.length));
  size += job.length;
  Atomics.and(state, job.slot, ~${NEEDS_HASH});
  Atomics.notify(state, job.slot);
});
`;
