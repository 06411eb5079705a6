import { describe, expect, it } from 'vitest';
import { describeFsckExit } from './check-filesystem.js';

describe('describeFsckExit', () => {
  it.each([
    [0, null, []],
    [4, null, ['errors were left uncorrected']],
    [8, null, ['e2fsck could not check it (operational error)']],
    [12, null, ['errors were left uncorrected', 'e2fsck could not check it (operational error)']],
    // With -n nothing is fixed, so "corrected" means the check did not run as asked: not clean either.
    [1, null, ['errors were corrected']],
    [64, null, ['e2fsck exited with code 64']],
    [null, 'SIGKILL', ['e2fsck was stopped by SIGKILL']],
  ])('exit %s (%s) → %j', (code, signal, expected) => {
    expect(describeFsckExit(code, signal)).toEqual(expected);
  });
});
