import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
// Built from parts so this file does not match itself.
const outside = ['..', 'shared'].join('/');

describe('the repository stands alone', () => {
  it('no tracked file refers to a folder beside the checkout', () => {
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
      .split('\0')
      .filter(Boolean);
    const offenders = files.filter((file) => {
      if (file.endsWith('package-lock.json') || /\.(png|jpe?g|ico|icns)$/.test(file)) return false;
      try {
        return readFileSync(join(root, file), 'utf8').includes(outside);
      } catch {
        return false; // listed but deleted in the working tree
      }
    });
    expect(offenders).toEqual([]);
  });
});
