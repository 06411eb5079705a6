/**
 * The partition table lives in the first MiB: it is written last, after everything else is on the card and flushed,
 * so a card whose flash was interrupted never looks bootable (Raspberry Pi Imager does the same).
 */
export const HELD_BACK_BYTES = 1024 * 1024;

export interface BlockPlan {
  /** Part of the block to keep in memory: block[from, to) goes to head[at…]. */
  hold: { from: number; to: number; at: number } | null;
  /** Part of the block to write now: block[from, to) goes to the device at `at`. */
  write: { from: number; to: number; at: number } | null;
}

/** How a block of `length` bytes found at image offset `offset` splits between the held-back head and the device. */
export function planBlock(offset: number, length: number, heldBytes = HELD_BACK_BYTES): BlockPlan {
  const split = Math.min(length, Math.max(0, heldBytes - offset));
  return {
    hold: split > 0 ? { from: 0, to: split, at: offset } : null,
    write: split < length ? { from: split, to: length, at: offset + split } : null,
  };
}
