import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { quoteForShell, shellCommand } from './shell-quote.js';

describe('quoteForShell', () => {
  it.each([
    ['/var/lib/bootstrap', "'/var/lib/bootstrap'"],
    ['', "''"],
    ['a b', "'a b'"],
    ["it's", "'it'\\''s'"],
    ['$(reboot)', "'$(reboot)'"],
    ['-n', "'-n'"],
  ])('quotes %j as %s', (input, quoted) => {
    expect(quoteForShell(input)).toBe(quoted);
  });

  it('round-trips awkward strings through a real sh', () => {
    const awkward = ["it's", 'a\nb', '$HOME `id` \\ "x"', '*', '', "''", '--'];
    const echoed = execFileSync('sh', ['-c', `printf '%s\\0' ${shellCommand(awkward)}`], {
      encoding: 'utf8',
    });
    expect(echoed.split('\0').slice(0, -1)).toEqual(awkward);
  });
});
