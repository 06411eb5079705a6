import { mkdirSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDebugfsScript, assertCommandsSucceeded } from '../../src/image/ext4/debugfs.js';
import { injectFiles } from '../../src/image/ext4/inject-files.js';
import { injectionCommands, pathsToLookUp, planInjection } from '../../src/image/ext4/inject-plan.js';
import {
  checkFilesystem,
  lookUpPaths,
  pathExists,
  readBackFiles,
  verifyInjectedFiles,
} from '../../src/image/ext4/read-back.js';
import { withSecureTempDir, writeSecretFile } from '../../src/secrets/secure-temp.js';
import { BOOTSTRAP, copyImage, makeExt4Workspace } from '../fixtures/ext4-inject-images.js';
import { ROOT_OFFSET } from '../fixtures/sd-image.js';

// The parts of the injection (path lookup, debugfs scripts, temp files) on the real tools.

let work = '';
let bareImage = '';
let sdImage = '';

beforeAll(async () => {
  ({ work, bareImage, sdImage } = await makeExt4Workspace());
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the pieces on the real tools', () => {
  it('pathExists finds what the root-partition search looks for', async () => {
    expect(await pathExists({ image: sdImage, offset: ROOT_OFFSET, path: '/nix/store' })).toBe(true);
    expect(await pathExists({ image: sdImage, offset: ROOT_OFFSET, path: '/etc' })).toBe(true);
    expect(await pathExists({ image: sdImage, offset: ROOT_OFFSET, path: '/var' })).toBe(false);
    expect(await pathExists({ image: sdImage, offset: ROOT_OFFSET, path: '/etc/os-release/x' })).toBe(false);
  });

  it('a failing command is attributed to itself; the neighbours are not blamed', async () => {
    const image = copyImage(work, bareImage);
    const commands = ['stat "/etc"', 'rm "/nope"', 'stat "/etc/hostname"'];
    const output = await runDebugfsScript({ image, offset: 0 }, commands, { write: true });
    expect(output.commands.map((c) => c.errors.length)).toEqual([0, 1, 0]);
    expect(output.commands[1]?.errors[0]).toMatch(/rm: File not found by ext2_lookup/);
    expect(() => assertCommandsSucceeded(output, { image, offset: 0 }, 'hint')).toThrow(
      expect.objectContaining({
        code: 'ext4-command-failed',
        detail: expect.objectContaining({ command: 'rm "/nope"' }),
      }),
    );
  });

  it('the `cd` write style for debugfs before 1.46.2 also works on this debugfs', async () => {
    const image = copyImage(work, sdImage);
    const target = { image, offset: ROOT_OFFSET };
    const { found } = await lookUpPaths(target, pathsToLookUp(BOOTSTRAP));
    const plan = planInjection(BOOTSTRAP, found);
    await withSecureTempDir(async (dir) => {
      const hosts = await Promise.all(BOOTSTRAP.map((f, i) => writeSecretFile(dir, `f${i}`, f.content)));
      const { prepare, write } = injectionCommands(plan, BOOTSTRAP, hosts, 'cd');
      assertCommandsSucceeded(await runDebugfsScript(target, prepare, { write: true }), target, '');
      assertCommandsSucceeded(await runDebugfsScript(target, write, { write: true }), target, '');
    });
    const readBack = await readBackFiles({ ...target, paths: BOOTSTRAP.map((f) => f.path) });
    expect(verifyInjectedFiles(BOOTSTRAP, readBack)).toEqual([]);
    await checkFilesystem(target);
  });

  it('leaves no secret temp files behind', async () => {
    const scratch = path.join(work, 'tmp');
    mkdirSync(scratch);
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = scratch;
    try {
      await injectFiles({ image: copyImage(work, bareImage), offset: 0, files: BOOTSTRAP });
      await injectFiles({
        image: copyImage(work, bareImage),
        offset: 0,
        files: [{ ...BOOTSTRAP[0]!, path: '/etc/x' }],
      }).catch(() => {});
    } finally {
      process.env.TMPDIR = saved;
    }
    expect(readdirSync(scratch)).toEqual([]);
  });
});
