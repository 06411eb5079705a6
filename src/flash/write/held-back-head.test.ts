import { describe, expect, it } from 'vitest';
import { HELD_BACK_BYTES, planBlock } from './held-back-head.js';

const MIB = 1024 * 1024;

describe('planBlock', () => {
  it.each([
    // offset, length, hold, write
    [0, 4 * MIB, { from: 0, to: MIB, at: 0 }, { from: MIB, to: 4 * MIB, at: MIB }],
    [0, MIB, { from: 0, to: MIB, at: 0 }, null],
    [0, 512, { from: 0, to: 512, at: 0 }, null],
    [512 * 1024, MIB, { from: 0, to: 512 * 1024, at: 512 * 1024 }, { from: 512 * 1024, to: MIB, at: MIB }],
    [MIB, 4 * MIB, null, { from: 0, to: 4 * MIB, at: MIB }],
    [8 * MIB, 100, null, { from: 0, to: 100, at: 8 * MIB }],
  ])('block at %i of %i bytes', (offset, length, hold, write) => {
    expect(planBlock(offset, length)).toEqual({ hold, write });
  });

  it('holds back exactly the first MiB', () => {
    expect(HELD_BACK_BYTES).toBe(MIB);
  });
});
