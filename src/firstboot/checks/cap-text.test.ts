import { describe, expect, it } from 'vitest';
import { capText, combineOutput, quoteShort } from './cap-text.js';

describe('capText', () => {
  it('leaves short text alone', () => expect(capText('abc', 3)).toBe('abc'));
  it('cuts long text and says how much', () =>
    expect(capText('abcdef', 4)).toBe('abcd\n… (2 more bytes not shown)'));
  it('does not leave half a character', () => expect(capText('aé', 2)).toBe('a\n… (1 more bytes not shown)'));
});

describe('combineOutput', () => {
  it('joins stdout and stderr on separate lines', () => {
    expect(combineOutput('out', 'err')).toBe('out\nerr');
    expect(combineOutput('out\n', 'err')).toBe('out\nerr');
    expect(combineOutput('', 'err')).toBe('err');
    expect(combineOutput('out', '')).toBe('out');
  });
});

describe('quoteShort', () => {
  it('quotes, escapes newlines and shortens', () => {
    expect(quoteShort('ups@localhost')).toBe('"ups@localhost"');
    expect(quoteShort('a\nb')).toBe('"a\\nb"');
    expect(quoteShort('abcdefgh', 4)).toBe('"abc…"');
  });
});
