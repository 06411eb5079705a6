import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_PROGRAMS } from './catalog-system-programs.js';
import {
  createSearchContext,
  findSystemProgram,
  findTool,
  locateKnownProgram,
  locateProgram,
  MissingToolError,
  type SearchContext,
} from './find-tool.js';
import { runTool } from './run-tool.js';
import { formatInstallHint } from './package-manager.js';
import { programsTheAppRuns, systemProgramEntry, toolsForPlatform } from './tool-catalog.js';

// A NixOS machine in a temp dir: no /usr/bin or /usr/sbin, programs in the system profile, setuid ones wrapped.
let root = '';
let search: Partial<SearchContext>;
const sw = (program: string) => path.join(root, 'run/current-system/sw/bin', program);
const wrapper = (program: string) => path.join(root, 'run/wrappers/bin', program);
// As home-manager or `users.users.<name>.packages` put it: in the per-user profile, not the system one.
const perUser = (program: string) => path.join(root, 'etc/profiles/per-user/alice/bin', program);
const PER_USER = ['nixos-rebuild'];
const SETUID: readonly string[] = SYSTEM_PROGRAMS.filter((p) => p.setuid).map((p) => p.program);

async function standIn(file: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `#!/bin/sh\necho "${path.relative(root, file)} $*"\n`);
  await chmod(file, 0o755);
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'nixos-layout-'));
  for (const program of programsTheAppRuns('linux'))
    await standIn(PER_USER.includes(program) ? perUser(program) : sw(program));
  for (const program of SETUID) await standIn(wrapper(program));
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

  it.each(SYSTEM_PROGRAMS.map((p) => [p.id, p.setuid ? 'its setuid wrapper' : 'its profile'] as const))(
    'finds %s, from %s',
    async (program) => {
      const expected = SETUID.includes(program)
        ? wrapper(program)
        : PER_USER.includes(program)
          ? perUser(program)
          : sw(program);
      expect(await findSystemProgram(program, search)).toBe(expected);
      expect(await locateKnownProgram(program, createSearchContext(search))).toBe(expected);
    },
  );

  it('takes the setuid wrappers even when PATH names the system profile first', async () => {
    const env = { ...search.env, PATH: path.dirname(sw('umount')) };
    for (const { id } of SYSTEM_PROGRAMS.filter((p) => p.setuid))
      expect(await findSystemProgram(id, { ...search, env })).toBe(wrapper(id));
    expect(await findTool('lsblk', { ...search, env })).toBe(sw('lsblk'));
  });

  it('finds nixos-rebuild in the per-user profile, as first boot looks for it', async () => {
    expect(await locateProgram('nixos-rebuild', createSearchContext(search))).toBe(perUser('nixos-rebuild'));
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

describe('a program that is missing when it is started', () => {
  it('is a MissingToolError naming its package, for a system program too', async () => {
    const error = await runTool(path.join(root, 'nowhere/blockdev'), ['--getsize64', '/dev/null']).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MissingToolError);
    expect((error as Error).message).toBe(
      'blockdev was not found. It is needed to read the size of a card and flush its cache.',
    );
  });
});

describe('the install hint of a system program', () => {
  it.each([
    ['blockdev', 'dnf', 'sudo dnf install util-linux'],
    ['losetup', 'apt', 'sudo apt-get install mount'],
    ['mkfifo', 'apt', 'sudo apt-get install coreutils'],
    ['mkfifo', 'nix', 'nix profile install nixpkgs#coreutils'],
    ['nixos-rebuild', 'nix', 'nix profile install nixpkgs#nixos-rebuild'],
    ['nixos-rebuild', 'apt', expect.stringMatching(/^nixos-rebuild comes with NixOS\..*nixos\.org/)],
  ] as const)('%s with %s: %s', (name, manager, hint) => {
    expect(formatInstallHint(systemProgramEntry(name), manager, 'linux')).toEqual(hint);
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

  it('names no program outside the catalog', () => {
    const known = new Set([...programsTheAppRuns('linux'), ...programsTheAppRuns('darwin')]);
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

  it('starts processes only through the tools layer (and the terminal, which runs a pty)', () => {
    // The terminal runs the user's login shell or the core's deploy command in a pty.
    const allowed = ['terminal/pty-spawner.ts'];
    const spawning = sources
      .filter(({ text }) => /from 'node:child_process'|from 'child_process'|'node-pty'/.test(text))
      .map(({ file }) => file);
    expect(spawning.filter((file) => !allowed.includes(file))).toEqual([]);
  });

  it('spawns in one place of the tools layer: startTool', async () => {
    const tools = path.join(src, 'tools');
    const files = (await readdir(tools)).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    const spawning: string[] = [];
    for (const file of files)
      if (/from 'node:child_process'/.test(await readFile(path.join(tools, file), 'utf8')))
        spawning.push(file);
    expect(spawning).toEqual(['start-tool.ts']);
  });
});
