import { describe, expect, it } from 'vitest';
import { firstMismatch } from './first-mismatch.js';

describe('firstMismatch', () => {
  const block = () => Buffer.alloc(4 * 1024 * 1024, 7);

  it('is -1 for equal buffers', () => {
    expect(firstMismatch(block(), block())).toBe(-1);
    expect(firstMismatch(Buffer.alloc(0), Buffer.alloc(0))).toBe(-1);
  });

  it.each([0, 1, 63, 64, 65, 4095, 1024 * 1024 + 3, 4 * 1024 * 1024 - 1])(
    'finds a single flipped byte at %i',
    (at) => {
      const b = block();
      b[at] = 8;
      expect(firstMismatch(block(), b)).toBe(at);
    },
  );

  it('reports the first of several differences', () => {
    const b = block();
    b[3_000_000] = 0;
    b[100] = 0;
    b[2_000] = 0;
    expect(firstMismatch(block(), b)).toBe(100);
  });

  it('reports where the shorter buffer ends when it is a prefix', () => {
    expect(firstMismatch(block(), block().subarray(0, 1000))).toBe(1000);
  });
});
