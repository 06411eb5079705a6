import { describe, expect, it } from 'vitest';
import { findNode, leafPaths, SopsMap, SopsTime, toPlain } from './sops-tree.js';

const tree = new SopsMap([
  ['wifi', new SopsMap([['ssid', 'home']])],
  ['example.com', new SopsMap([['token', 't']])],
  ['list', ['a', new SopsMap([['x', 1n]])]],
  ['when', new SopsTime('2001-12-14', '2001-12-14T00:00:00Z')],
]);

describe('the ordered SOPS tree', () => {
  it('finds nodes by dotted path, keys with dots included', () => {
    expect(findNode(tree, 'wifi.ssid')).toBe('home');
    expect(findNode(tree, 'example.com.token')).toBe('t');
    expect(findNode(tree, 'list.1.x')).toBe(1n);
    expect(findNode(tree, 'list.2')).toBeUndefined();
    expect(findNode(tree, 'list.01')).toBeUndefined();
    expect(findNode(tree, 'wifi.psk')).toBeUndefined();
  });

  it('lists leaf paths in document order', () => {
    expect(leafPaths(tree)).toEqual(['wifi.ssid', 'example.com.token', 'list.0', 'list.1.x', 'when']);
  });

  it('turns into plain data (safe integers as numbers, times as their text)', () => {
    expect(toPlain(tree)).toEqual({
      wifi: { ssid: 'home' },
      'example.com': { token: 't' },
      list: ['a', { x: 1 }],
      when: '2001-12-14',
    });
    expect(toPlain(2n ** 60n)).toBe(2n ** 60n);
    const proto = toPlain(new SopsMap([['__proto__', 'x']])) as Record<string, unknown>;
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
    expect(Object.keys(proto)).toEqual(['__proto__']);
  });
});
