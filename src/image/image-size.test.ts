import { describe, expect, it } from 'vitest';
import { parseXzRobotSize, parseZstdListSize } from './image-size.js';

describe('parseZstdListSize', () => {
  it('reads the exact byte count of "Decompressed Size"', () => {
    const output = [
      'img.zst ',
      '# Zstandard Frames: 1',
      'Window Size: 2.00 MiB (2097152 B)',
      'Compressed Size: 648 MiB (679582498 B)',
      'Decompressed Size: 1.98 GiB (2130706432 B)',
      'Check: XXH64 f45346de',
    ].join('\n');
    expect(parseZstdListSize(output)).toBe(2130706432);
  });

  it('is null when a frame (streamed from a pipe) has no content size', () => {
    const output =
      'pipe.zst \n# Zstandard Frames: 1\nCompressed Size: 157 B (157 B)\nCheck: XXH64 ec2a65e3\n';
    expect(parseZstdListSize(output)).toBeNull();
  });
});

describe('parseXzRobotSize', () => {
  it('reads the uncompressed column of the totals line', () => {
    const output =
      'name\ts.img.xz\nfile\t1\t1\t620\t3000000\t0.000\tCRC64\t0\ntotals\t1\t1\t620\t3000000\t0.000\tCRC64\t0\t1\n';
    expect(parseXzRobotSize(output)).toBe(3000000);
  });

  it('is null without a totals line', () => {
    expect(parseXzRobotSize('name\tx.xz\n')).toBeNull();
  });
});
