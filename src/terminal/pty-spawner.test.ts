import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureSpawnHelperExecutable } from './pty-spawner.js';

const root = mkdtempSync(join(tmpdir(), 'pty-spawner-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('ensureSpawnHelperExecutable', () => {
  it('restores the exec bit on a spawn-helper that lost it', () => {
    const dir = join(root, 'node-pty');
    mkdirSync(join(dir, 'prebuilds', 'darwin-arm64'), { recursive: true });
    const helper = join(dir, 'prebuilds', 'darwin-arm64', 'spawn-helper');
    writeFileSync(helper, '');
    chmodSync(helper, 0o644);
    expect(ensureSpawnHelperExecutable(dir)).toEqual([helper]);
    expect(statSync(helper).mode & 0o777).toBe(0o755);
    expect(ensureSpawnHelperExecutable(dir)).toEqual([]);
  });
});
