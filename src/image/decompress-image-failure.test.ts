import { describe, expect, it } from 'vitest';
import { decompressionFailure, zlibFailure } from './decompress-image-failure.js';

describe('decompressionFailure', () => {
  it.each([
    ['zstd', '/*stdin*\\ : Read error (39) : premature end \n', 'image-truncated'],
    ['zstd', 'zstd: /*stdin*\\: unexpected end of file \n', 'image-truncated'],
    ['zstd', "/*stdin*\\ : Decoding error (36) : Restored data doesn't match checksum \n", 'image-corrupt'],
    ['zstd', 'zstd: /*stdin*\\: unsupported format \n', 'image-corrupt'],
    ['xz', 'xz: (stdin): Unexpected end of input\n', 'image-truncated'],
    ['xz', 'xz: (stdin): Compressed data is corrupt\n', 'image-corrupt'],
  ] as const)('%s saying %j → %s', (format, says, code) => {
    const error = decompressionFailure(format, says, 5 * 1024 * 1024);
    expect(error.code).toBe(code);
    // The tool's words are for the log; the headline is plain.
    expect(error.message).not.toContain(says.trim());
    expect(error.details).toBe(`${format} said: ${says.trim()}`);
    expect(error.message).toContain('5 MiB (5242880 bytes) had been decompressed');
    expect(error.message).toContain('partial output was removed');
  });

  it('keeps the last line of a long complaint and tolerates silence', () => {
    const error = decompressionFailure('xz', 'warning\nxz: (stdin): Compressed data is corrupt\n', 0);
    expect(error.message).toBe(
      'The xz image is damaged: its data does not decode. 0 bytes had been decompressed when it stopped; the partial output was removed.',
    );
    expect(error.details).toBe('xz said: xz: (stdin): Compressed data is corrupt');
    expect(decompressionFailure('zstd', '', 0).details).toBe('zstd said: nothing');
  });

  it('maps zlib codes: Z_BUF_ERROR is a cut-off stream, Z_DATA_ERROR damage', () => {
    const cut = Object.assign(new Error('unexpected end of file'), { code: 'Z_BUF_ERROR' });
    const bad = Object.assign(new Error('incorrect data check'), { code: 'Z_DATA_ERROR' });
    expect(zlibFailure(cut, 10).code).toBe('image-truncated');
    expect(zlibFailure(bad, 10)).toMatchObject({ code: 'image-corrupt' });
    expect(zlibFailure(bad, 10).details).toBe('gzip said: incorrect data check');
  });
});
