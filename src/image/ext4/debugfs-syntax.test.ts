import { describe, expect, it } from 'vitest';
import {
  MAX_COMMAND_BYTES,
  debugfsCommand,
  imageSpec,
  inodeModeArg,
  isBanner,
  parseBannerVersion,
  quoteArg,
  writeTakesFullPath,
} from './debugfs-syntax.js';

describe('quoteArg and debugfsCommand', () => {
  it('quotes every path argument so spaces survive debugfs’s parser', () => {
    expect(quoteArg('/var/lib/with space')).toBe('"/var/lib/with space"');
    expect(debugfsCommand('sif', '/var/lib/a b', 'mode', '0100600')).toBe('sif "/var/lib/a b" mode 0100600');
    expect(debugfsCommand('write', '/tmp/d/file-0', 'key_1')).toBe('write "/tmp/d/file-0" key_1');
    expect(debugfsCommand('sif', '/x', 'uid', 70000)).toBe('sif "/x" uid 70000');
  });

  it.each(['/a"b', '/a\nb', '/a\rb', '/a\tb', '/a\0b', '/a\x7fb'])('refuses %j', (value) => {
    expect(() => quoteArg(value)).toThrow(expect.objectContaining({ code: 'ext4-path-refused' }));
  });

  it('refuses a command line longer than debugfs reads on macOS', () => {
    expect(() => debugfsCommand('write', `/${'a'.repeat(MAX_COMMAND_BYTES)}`, '/x')).toThrow(/at most 1000/);
  });
});

describe('small formats', () => {
  it('builds sif mode values, image specs and reads banners', () => {
    expect(inodeModeArg('file', 0o600)).toBe('0100600');
    expect(inodeModeArg('file', 0)).toBe('0100000');
    expect(inodeModeArg('dir', 0o755)).toBe('040755');
    expect(imageSpec('/a/b.img', 0)).toBe('/a/b.img');
    expect(imageSpec('/a/b.img', 39845888)).toBe('/a/b.img?offset=39845888');
    expect(isBanner('debugfs 1.47.0 (5-Feb-2023)')).toBe(true);
    expect(isBanner('debugfs: Command not found x')).toBe(false);
    expect(parseBannerVersion('debugfs 1.47.0 (5-Feb-2023)')).toEqual([1, 47, 0]);
    expect(parseBannerVersion('debugfs 1.43 (17-May-2016)')).toEqual([1, 43, 0]);
    expect(parseBannerVersion('nonsense')).toBeNull();
  });

  it('uses full write paths only from 1.46.2 on', () => {
    expect(writeTakesFullPath([1, 47, 0])).toBe(true);
    expect(writeTakesFullPath([1, 46, 2])).toBe(true);
    expect(writeTakesFullPath([1, 46, 1])).toBe(false);
    expect(writeTakesFullPath([1, 45, 5])).toBe(false);
    expect(writeTakesFullPath(null)).toBe(false);
  });
});
