import { describe, expect, it } from 'vitest';
import { Redactor } from './redactor.js';

describe('Redactor', () => {
  it('masks every occurrence of a registered secret', () => {
    const redactor = new Redactor();
    redactor.add('hunter2-passphrase');
    expect(redactor.apply('borg: hunter2-passphrase wrong; retry hunter2-passphrase')).toBe(
      'borg: [redacted] wrong; retry [redacted]',
    );
  });

  it('leaves text alone when nothing matches, and ignores too-short secrets', () => {
    const redactor = new Redactor();
    redactor.add('ab');
    expect(redactor.apply('about a backup')).toBe('about a backup');
  });
});
