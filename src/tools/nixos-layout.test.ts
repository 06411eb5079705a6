import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSearchContext,
  findTool,
  locateProgram,
  MissingToolError,
  type SearchContext,
} from './find-tool.js';
import { runTool } from './run-tool.js';
import {
  findSystemProgram,
  locateKnownProgram,
  programsTheAppRuns,
  SYSTEM_PROGRAMS,
} from './system-programs.js';
import { toolsForPlatform } from './tool-catalog.js';

// A NixOS machine in a temp dir: no /usr/bin or /usr/sbin, programs in the system profile, setuid ones wrapped.
let root = '';
let search: Partial<SearchContext>;
const sw = (program: string) => path.join(root, 'run/current-system/sw/bin', program);
const wrapper = (program: string) => path.join(root, 'run/wrappers/bin', program);
const SETUID: readonly string[] = SYSTEM_PROGRAMS.filter((p) => p.setuid).map((p) => p.program);

async function standIn(file: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `#!/bin/sh\necho "${path.relative(root, file)} $*"\n`);
  await chmod(file, 0o755);
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'nixos-layout-'));
  for (const program of programsTheAppRuns('linux')) await standIn(sw(program));
  for (const program of SETUID) await standIn(wrapper(program));
  await standIn(path.join(root, 'etc/profiles/per-user/alice/bin/nixos-rebuild'));
  const home = path.join(root, 'home/alice');
  await mkdir(path.join(home, 'bin'), { recursive: true });
  // A desktop session's PATH that names none of the system's folders, as a GUI launcher may hand it over.
  search = {
    platform: 'linux',
    systemRoot: root,
    homeDir: home,
    env: { PATH: path.join(home, 'bin'), HOME: home, USER: 'alice' },
  };
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('on a NixOS layout', () => {
  it.each(toolsForPlatform('linux').map((t) => [t.id, t.program] as const))(
    'finds the catalog tool %s in /run/current-system/sw/bin',
    async (id, program) => {
      expect(await findTool(id, search)).toBe(sw(program));
    },
  );

  it.each(
    SYSTEM_PROGRAMS.map((p) => [p.program, p.setuid ? 'its setuid wrapper' : 'the system profile'] as const),
  )('finds %s, from %s', async (program) => {
    const expected = SETUID.includes(program) ? wrapper(program) : sw(program);
    expect(await findSystemProgram(program, search)).toBe(expected);
    expect(await locateKnownProgram(program, createSearchContext(search))).toBe(expected);
  });

  it('takes the setuid wrappers even when PATH names the system profile first', async () => {
    const env = { ...search.env, PATH: path.dirname(sw('umount')) };
    for (const { program } of SYSTEM_PROGRAMS.filter((p) => p.setuid))
      expect(await findSystemProgram(program, { ...search, env })).toBe(wrapper(program));
    expect(await findTool('lsblk', { ...search, env })).toBe(sw('lsblk'));
  });

  it('finds nixos-rebuild in the per-user profile, as first boot looks for it', async () => {
    expect(await locateProgram('nixos-rebuild', createSearchContext(search))).toBe(
      path.join(root, 'etc/profiles/per-user/alice/bin/nixos-rebuild'),
    );
  });

  it('runs a program named bare through the same search, not the child PATH', async () => {
    for (const program of ['zstd', 'blockdev', 'umount']) {
      const result = await runTool(program, ['--version'], { search, env: { PATH: '/nonexistent' } });
      expect(result.code).toBe(0);
      const from = SETUID.includes(program) ? wrapper(program) : sw(program);
      expect(result.stdout.trim()).toBe(`${path.relative(root, from)} --version`);
    }
  });
});

describe('a system program that is missing', () => {
  it('is a MissingToolError saying what it is for and what to install', async () => {
    const bin = path.join(root, 'debian/bin');
    await standIn(path.join(bin, 'apt-get'));
    const error = await findSystemProgram('blockdev', {
      platform: 'linux',
      systemRoot: path.join(root, 'debian'),
      homeDir: path.join(root, 'debian/home'),
      env: { PATH: bin },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingToolError);
    expect(error).toMatchObject({ code: 'missing-tool', hint: 'sudo apt-get install util-linux' });
    expect((error as Error).message).toBe(
      'blockdev was not found. It is needed to read the size of a card and flush its cache.',
    );
  });
});

describe('every program the app runs is one the search knows', () => {
  const src = fileURLToPath(new URL('..', import.meta.url));
  let sources: { file: string; text: string }[] = [];
  beforeAll(async () => {
    const files = (await readdir(src, { recursive: true })).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('tools/'),
    );
    sources = await Promise.all(
      files.map(async (file) => ({ file, text: await readFile(path.join(src, file), 'utf8') })),
    );
  });

  it('names no program outside the catalog and the system programs', () => {
    const known = new Set([...programsTheAppRuns('linux'), ...programsTheAppRuns('darwin'), 'nixos-rebuild']);
    const named = sources.flatMap(({ file, text }) =>
      [
        ...text.matchAll(
          /(?:findTool|findSystemProgram|systemProgram|locateKnownProgram|locateProgram)\('([^']+)'/g,
        ),
        ...text.matchAll(/\bprogram: '([^']+)'/g),
        ...text.matchAll(/runTool(?:OrThrow)?\('([^'/]+)'/g),
      ].map((m) => `${m[1]} (${file})`),
    );
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((entry) => !known.has(entry.split(' ')[0] ?? ''))).toEqual([]);
  });

  it('starts processes only through the tools layer and the few places that take an already found path', () => {
    const allowed = [
      'tools/run-tool.ts',
      // Each spawns a path found through the tools layer (the decompressor) or a fixed launch plan (the writer).
      'image/decompress-image-child.ts',
      'flash/elevate/supervise-writer.ts',
      // The terminal runs the user's login shell or the core's deploy command in a pty.
      'terminal/pty-spawner.ts',
    ];
    const spawning = sources
      .filter(({ text }) => /from 'node:child_process'|from 'child_process'|'node-pty'/.test(text))
      .map(({ file }) => file);
    expect(spawning.filter((file) => !allowed.includes(file))).toEqual([]);
  });
});
