import { describe, expect, it } from 'vitest';
import { resolveAppAsset } from './app-origin.js';

describe('resolveAppAsset', () => {
  it.each([
    ['app://companion/index.html', '/r/index.html'],
    ['app://companion/', '/r/index.html'],
    ['app://companion/assets/index-abc.js', '/r/assets/index-abc.js'],
    ['app://companion/assets/a%20b.css', '/r/assets/a b.css'],
    // The URL parser folds dot segments first, so these stay inside the bundle folder.
    ['app://companion/../../etc/passwd', '/r/etc/passwd'],
    ['app://companion/%2e%2e/%2e%2e/etc/passwd', '/r/etc/passwd'],
  ])('%s → %s', (url, file) => expect(resolveAppAsset('/r', url)).toBe(file));

  it.each([
    'app://companion/assets/..%2F..%2F..%2Fetc%2Fpasswd',
    'app://other/index.html',
    'file:///r/index.html',
    'https://companion/index.html',
    'not a url',
  ])('refuses %s', (url) => expect(resolveAppAsset('/r', url)).toBeNull());
});
