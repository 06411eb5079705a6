/** What the read-and-hash worker posts back, in order. */
export type WorkerMessage =
  | { kind: 'block'; slot: number; offset: number; length: number }
  | { kind: 'end'; size: number; sha256: string }
  | { kind: 'error'; code: string | undefined; message: string };

/** Slot states in the shared control array. */
export const SLOT_FREE = 0;
export const SLOT_FULL = 1;

/**
 * Runs in a worker thread (eval'd, so it works the same from sources, tests and bundles): fills shared slots from `fd`
 * with blocking reads and hashes them, while the main thread writes earlier slots to the device. Blocking reads on a
 * pipe return at most 64 KiB each; done on the event loop's thread pool they capped a decompressor at ~600 MB/s here,
 * done in a tight loop in this thread they keep up with zstd. Hashing here keeps SHA-256 off the writer's path.
 */
export const READ_HASH_WORKER = `
const { readSync } = require('node:fs');
const { createHash } = require('node:crypto');
const { parentPort, workerData } = require('node:worker_threads');
const { fd, memory, control, slots, blockBytes, hash: wantHash } = workerData;
const state = new Int32Array(control);
const hash = createHash('sha256');
let offset = 0;
try {
  for (let turn = 0; ; turn++) {
    const slot = turn % slots;
    while (Atomics.load(state, slot) !== ${SLOT_FREE}) Atomics.wait(state, slot, ${SLOT_FULL});
    const view = new Uint8Array(memory, slot * blockBytes, blockBytes);
    let length = 0;
    while (length < blockBytes) {
      const got = readSync(fd, view, length, blockBytes - length, null);
      if (got === 0) break;
      length += got;
    }
    if (length > 0) {
      if (wantHash) hash.update(view.subarray(0, length));
      Atomics.store(state, slot, ${SLOT_FULL});
      parentPort.postMessage({ kind: 'block', slot, offset, length });
      offset += length;
    }
    if (length < blockBytes) {
      parentPort.postMessage({ kind: 'end', size: offset, sha256: wantHash ? hash.digest('hex') : '' });
      break;
    }
  }
} catch (error) {
  parentPort.postMessage({ kind: 'error', code: error.code, message: error.message });
}
`;
