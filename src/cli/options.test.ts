import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { integerOption } from './options.js';

describe('integerOption', () => {
  const steps = integerOption(1, 10_000);

  it('accepts whole numbers in range', () => {
    expect(steps('1')).toBe(1);
    expect(steps(' 250 ')).toBe(250);
    expect(steps('10000')).toBe(10_000);
  });

  it.each(['0', '10001', '-3', '2.5', '1e3', 'abc', ''])('refuses %j as a usage error', (value) => {
    expect(() => steps(value)).toThrow(InvalidArgumentError);
  });

  it('describes an open range', () => {
    expect(() => integerOption(1)('0')).toThrow('Expected a whole number 1 or more.');
  });
});
