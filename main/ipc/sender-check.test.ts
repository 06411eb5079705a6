import { describe, expect, it } from 'vitest';
import { isTrustedSender } from './sender-check.js';

const known = new Set([1]);

describe('isTrustedSender', () => {
  it.each([
    [{ webContentsId: 1, isMainFrame: true, frameUrl: 'app://companion/index.html' }, true],
    [{ webContentsId: 2, isMainFrame: true, frameUrl: 'app://companion/index.html' }, false],
    [{ webContentsId: 1, isMainFrame: false, frameUrl: 'app://companion/index.html' }, false],
    [{ webContentsId: 1, isMainFrame: true, frameUrl: 'https://evil.example/' }, false],
    [{ webContentsId: 1, isMainFrame: true, frameUrl: 'file:///tmp/index.html' }, false],
    [{ webContentsId: 1, isMainFrame: true, frameUrl: 'app://companion.evil/index.html' }, false],
    [{ webContentsId: 1, isMainFrame: true, frameUrl: undefined }, false],
  ])('%j → %s', (sender, trusted) => expect(isTrustedSender(sender, known)).toBe(trusted));
});
