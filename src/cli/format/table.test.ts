import { describe, expect, it } from 'vitest';
import { renderTable } from './table.js';

describe('renderTable', () => {
  it('pads columns to the widest cell and leaves no trailing blanks', () => {
    expect(
      renderTable(
        ['ID', 'STATE', 'NOTE'],
        [
          ['t-1', 'succeeded', ''],
          ['t-22', 'failed', 'boom'],
        ],
      ),
    ).toEqual(['ID    STATE      NOTE', 't-1   succeeded', 't-22  failed     boom']);
  });

  it('right-aligns columns on request', () => {
    expect(
      renderTable(
        ['NAME', 'SIZE'],
        [
          ['a', '1'],
          ['b', '100'],
        ],
        ['left', 'right'],
      ),
    ).toEqual(['NAME  SIZE', 'a        1', 'b      100']);
  });

  it('counts a mark like ✔ as one column', () => {
    expect(renderTable(['', 'TOOL'], [['✔', 'debugfs']])).toEqual(['   TOOL', '✔  debugfs']);
  });

  it('fills missing cells with blanks', () => {
    expect(renderTable(['A', 'B'], [['x']])).toEqual(['A  B', 'x']);
  });
});
