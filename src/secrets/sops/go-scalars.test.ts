import { describe, expect, it } from 'vitest';
import { goFormatFloat, goParseInt, parseGoRfc3339, resolveGoYamlPlain } from './go-scalars.js';
import { SopsTime } from './sops-tree.js';

describe("goFormatFloat (strconv.FormatFloat(f, 'f', -1, 64))", () => {
  it.each([
    [1.5, '1.5'],
    [1, '1'],
    [0.1, '0.1'],
    [1e21, '1000000000000000000000'],
    [1.5e-7, '0.00000015'],
    [-2.5e-10, '-0.00000000025'],
    [123456789012345680000, '123456789012345680000'],
    [-0, '-0'],
    [NaN, 'NaN'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
  ])('%s → %s', (value, text) => {
    expect(goFormatFloat(value)).toBe(text);
  });
});

describe('resolveGoYamlPlain (go-yaml v3 resolve)', () => {
  it.each<[string, unknown]>([
    ['0755', 493n],
    ['0o17', 15n],
    ['0x1F', 31n],
    ['-0b101', -5n],
    ['1_000', 1000n],
    ['+12', 12n],
    ['08', 8],
    ['1.0', 1],
    ['.5', 0.5],
    ['-1e3', -1000],
    ['1e400', '1e400'],
    ['.inf', Infinity],
    ['-.Inf', -Infinity],
    ['true', true],
    ['FALSE', false],
    ['yes', 'yes'],
    ['on', 'on'],
    ['~', null],
    ['', null],
    ['Null', null],
    ['hello', 'hello'],
    ['<<', '<<'],
    ['18446744073709551615', 18446744073709551615n],
  ])('%j → %s', (text, value) => {
    expect(resolveGoYamlPlain(text)).toEqual(value);
  });

  it('reads timestamps as Go times, hashed in RFC 3339 (nano) form', () => {
    expect(resolveGoYamlPlain('2001-12-14')).toEqual(new SopsTime('2001-12-14', '2001-12-14T00:00:00Z'));
    expect(resolveGoYamlPlain('2001-12-14t21:59:43.10-05:00')).toEqual(
      new SopsTime('2001-12-14t21:59:43.10-05:00', '2001-12-14T21:59:43.1-05:00'),
    );
    expect(resolveGoYamlPlain('2001-2-3 4:05:06')).toEqual(
      new SopsTime('2001-2-3 4:05:06', '2001-02-03T04:05:06Z'),
    );
    expect(resolveGoYamlPlain('2001-02-30')).toBe('2001-02-30');
  });
});

describe('goParseInt and parseGoRfc3339', () => {
  it('stays within what Go accepts', () => {
    expect(goParseInt('9223372036854775807')).toBe(9223372036854775807n);
    expect(goParseInt('-9223372036854775809')).toBeNull();
    expect(goParseInt('12a')).toBeNull();
    expect(parseGoRfc3339('2021-09-30T19:49:41+00:00')?.macText).toBe('2021-09-30T19:49:41Z');
    expect(parseGoRfc3339('2021-09-30 19:49:41Z')).toBeNull();
  });
});
