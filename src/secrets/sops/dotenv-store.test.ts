import { describe, expect, it } from 'vitest';
import { loadDotenvStore } from './dotenv-store.js';
import { SopsError } from './sops-error.js';
import { toPlain } from './sops-tree.js';

describe('loadDotenvStore', () => {
  it('unflattens sops_* metadata and keeps the values in order', () => {
    const text = [
      '#ENC[comment]',
      'B=2',
      'A=line1\\nline2',
      'sops_age__list_0__map_recipient=age1x',
      'sops_age__list_0__map_enc=-----BEGIN AGE ENCRYPTED FILE-----\\nabc\\n-----END AGE ENCRYPTED FILE-----\\n',
      'sops_lastmodified=2023-01-17T12:33:06Z',
      'sops_mac_only_encrypted=true',
      '',
    ].join('\n');
    const store = loadDotenvStore(text, 'x.env');
    expect(store.branches.map((branch) => toPlain(branch))).toEqual([{ B: '2', A: 'line1\nline2' }]);
    expect(store.metadata).toEqual({
      age: [
        {
          recipient: 'age1x',
          enc: '-----BEGIN AGE ENCRYPTED FILE-----\nabc\n-----END AGE ENCRYPTED FILE-----\n',
        },
      ],
      lastmodified: '2023-01-17T12:33:06Z',
      mac_only_encrypted: 'true',
    });
  });

  it('reports no metadata for a plain dotenv file and refuses lines without "="', () => {
    expect(loadDotenvStore('A=1\n', 'x.env').metadata).toBeUndefined();
    expect(() => loadDotenvStore('A=1\njust words\n', 'x.env')).toThrow(SopsError);
    expect(() => loadDotenvStore('sops_age__list_1__map_enc=x\n', 'x.env')).toThrow(/list has gaps/);
  });
});
