import { alignedBlocks } from './aligned-buffers.js';
import { failTarget, live, type Target } from './flash-targets.js';
import { HELD_BACK_BYTES, planBlock } from './held-back-head.js';
import type { ImageSource } from './image-source.js';

/** Writes in flight at once: one being written while the next is queued keeps the card busy. */
const MAX_IN_FLIGHT = 2;

/**
 * Streams every block but the held-back head to every live device; returns the head, the size and the hash. Each
 * block is read and decompressed once, and its slot is released once all devices have it.
 */
export async function streamBlocks(
  image: ImageSource,
  targets: readonly Target[],
  onWritten: () => void,
): Promise<{ head: Buffer; size: number; sha256: string }> {
  // Page-aligned like the rest, so the head can go through O_DIRECT too.
  const head = (alignedBlocks(1, false).blocks[0] as Buffer).subarray(0, HELD_BACK_BYTES).fill(0);
  const inFlight = new Set<Promise<void>>();
  let fatal: unknown = null;
  for (;;) {
    if (fatal) throw fatal;
    const block = await image.next();
    if (block.kind === 'end') {
      await Promise.all(inFlight);
      if (fatal) throw fatal;
      return {
        head: head.subarray(0, Math.min(block.size, HELD_BACK_BYTES)),
        size: block.size,
        sha256: block.sha256,
      };
    }
    const data = (image.blocks[block.slot] as Buffer).subarray(0, block.length);
    const plan = planBlock(block.offset, block.length);
    if (plan.hold) data.copy(head, plan.hold.at, plan.hold.from, plan.hold.to);
    if (!plan.write) {
      image.release(block.slot);
      continue;
    }
    const { from, to, at } = plan.write;
    const end = block.offset + block.length;
    const writes = live(targets).map((target) =>
      target.writer.write(data.subarray(from, to), at).then(
        () => void (target.written = Math.max(target.written, end)),
        (error: unknown) => {
          try {
            failTarget(target, error, targets);
          } catch (last) {
            fatal ??= last;
          }
        },
      ),
    );
    const write: Promise<void> = Promise.all(writes)
      .then(onWritten)
      .finally(() => {
        image.release(block.slot);
        inFlight.delete(write);
      });
    inFlight.add(write);
    if (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
  }
}
