import { describe, expect, it } from 'vitest';
import { splitCommandLine } from './split-command.js';

describe('splitCommandLine', () => {
  it.each([
    ['echo hello', ['echo', 'hello']],
    ['  nix   build  .#sdImage ', ['nix', 'build', '.#sdImage']],
    [`echo "a b" 'c d'`, ['echo', 'a b', 'c d']],
    [`echo "say \\"hi\\""`, ['echo', 'say "hi"']],
    [`echo it\\'s`, ['echo', "it's"]],
    [`printf '%s\\n' x`, ['printf', '%s\\n', 'x']],
    [`echo ""`, ['echo', '']],
    ['echo $HOME', ['echo', '$HOME']],
    ['', []],
  ])('%s', (line, argv) => expect(splitCommandLine(line)).toEqual(argv));

  it('refuses an unclosed quote', () => {
    expect(() => splitCommandLine('echo "oops')).toThrow(/unclosed double quote/);
  });
});
