import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CompanionEvent } from '../contract/index.js';
import { EventHub } from '../event-hub.js';
import { FakePty } from '../../test/helpers/fake-pty.js';
import type { PtySpawner } from './pty-spawner.js';
import { TERMINAL_LIMITS, TerminalService, type CoreCommand } from './terminal-service.js';

const root = mkdtempSync(join(tmpdir(), 'terminal-service-'));
const bin = join(root, 'bin');
mkdirSync(bin);
writeFileSync(join(bin, 'tool'), '#!/bin/sh\n', { mode: 0o755 });
writeFileSync(join(bin, 'plain'), 'not a program\n', { mode: 0o644 });
afterAll(() => rmSync(root, { recursive: true, force: true }));

let ptys: FakePty[];
let events: CompanionEvent[];
let service: TerminalService;
const spawner: PtySpawner = {
  spawn: (file, args, options) => {
    const pty = new FakePty(file, args, options);
    ptys.push(pty);
    return pty;
  },
};
const size = { cols: 80, rows: 24 };
const command = (extra: Partial<CoreCommand> = {}): CoreCommand => ({
  file: 'tool',
  args: ['build', '.#sdImage'],
  env: {},
  ...extra,
});
const started = (extra: Partial<CoreCommand> = {}) => {
  const { id } = service.runCommand(command(extra), size);
  return { id, pty: ptys.at(-1) as FakePty };
};
const shells = join(root, 'shells');
writeFileSync(shells, `# login shells\n${join(bin, 'tool')}\n${join(bin, 'plain')}\n`);
const env = { PATH: bin, HOME: root, TERM: 'dumb', LINES: '10', KEEP: 'yes', SHELL: '/bin/elsewhere' };

beforeEach(() => {
  vi.useFakeTimers();
  ptys = [];
  events = [];
  const hub = new EventHub();
  hub.subscribe((event) => events.push(event));
  service = new TerminalService(hub, {
    spawner,
    env,
    homeDir: root,
    platform: 'linux',
    accountShell: join(bin, 'tool'),
    shellsFile: shells,
  });
});
afterEach(() => vi.useRealTimers());

describe('TerminalService.openLoginShell', () => {
  it("starts the account's login shell with -l in the home folder, and says which", () => {
    expect(service.openLoginShell(size)).toEqual({ id: 'pty-1', shell: join(bin, 'tool') });
    const [pty] = ptys as [FakePty];
    expect(pty.file).toBe(join(bin, 'tool'));
    expect(pty.args).toEqual(['-l']);
    expect(pty.options).toMatchObject({ cwd: root, cols: 80, rows: 24 });
    expect(pty.options.env).toEqual({
      PATH: bin,
      HOME: root,
      KEEP: 'yes',
      SHELL: join(bin, 'tool'),
      TERM: 'xterm-256color',
    });
  });

  it('hangs the shell up to stop it (an interactive shell ignores SIGTERM), then SIGKILL after 2 s', () => {
    const { id } = service.openLoginShell(size);
    service.kill(id);
    vi.advanceTimersByTime(TERMINAL_LIMITS.killGraceMs);
    expect((ptys[0] as FakePty).signals).toEqual(['SIGHUP', 'SIGKILL']);
  });

  it('refuses when no listed, executable shell is set, before spawning', () => {
    const noShell = new TerminalService(new EventHub(), {
      spawner,
      env,
      homeDir: root,
      platform: 'linux',
      accountShell: join(bin, 'plain'),
      shellsFile: shells,
    });
    expect(() => noShell.openLoginShell(size)).toThrow(
      expect.objectContaining({ code: 'terminal-start-failed', hint: expect.stringContaining('chsh') }),
    );
    expect(ptys).toEqual([]);
  });
});

describe('TerminalService.runCommand', () => {
  it('spawns the resolved program with an argv, the home folder and a merged environment', () => {
    const { id, pty } = started({ env: { NIX_CONFIG: 'x' } });
    expect(id).toBe('pty-1');
    expect(service.runCommand(command(), size).id).toBe('pty-2');
    expect(pty.file).toBe(join(bin, 'tool'));
    expect(pty.args).toEqual(['build', '.#sdImage']);
    expect(pty.options).toMatchObject({ cwd: root, cols: 80, rows: 24 });
    expect(pty.options.env).toEqual({
      PATH: bin,
      HOME: root,
      KEEP: 'yes',
      SHELL: '/bin/elsewhere',
      NIX_CONFIG: 'x',
      TERM: 'xterm-256color',
    });
  });

  it.each([
    ['a program not on the PATH', { file: 'no-such-program' }, /not found on the PATH/],
    ['a missing path', { file: './nope' }, /does not exist/],
    ['a file that is not executable', { file: join(bin, 'plain') }, /not executable/],
  ])('refuses %s before spawning', (_name, extra, message) => {
    expect(() => service.runCommand(command(extra), size)).toThrow(
      expect.objectContaining({ code: 'terminal-start-failed', message: expect.stringMatching(message) }),
    );
    expect(ptys).toEqual([]);
  });

  it('refuses a home folder that is missing', () => {
    const homeless = new TerminalService(new EventHub(), { spawner, env, homeDir: join(root, 'nope') });
    expect(() => homeless.runCommand(command({ file: join(bin, 'tool') }), size)).toThrow(
      expect.objectContaining({
        code: 'terminal-start-failed',
        message: expect.stringMatching(/does not exist/),
      }),
    );
    expect(ptys).toEqual([]);
  });

  it('says which PATH it searched', () => {
    expect(() => service.runCommand(command({ file: 'nix' }), size)).toThrow(
      expect.objectContaining({ hint: expect.stringContaining(bin) }),
    );
  });

  it('turns a spawn failure into terminal-start-failed', () => {
    const broken = new TerminalService(new EventHub(), {
      env: { PATH: bin },
      homeDir: root,
      spawner: {
        spawn: () => {
          throw new Error('posix_spawnp failed.');
        },
      },
    });
    expect(() => broken.runCommand(command(), size)).toThrow(
      expect.objectContaining({
        code: 'terminal-start-failed',
        message: expect.stringMatching(/posix_spawnp/),
      }),
    );
  });
});

describe('TerminalService output', () => {
  it('batches chunks for about a frame', () => {
    const { id, pty } = started();
    pty.dataListener('a');
    pty.dataListener('b');
    vi.advanceTimersByTime(TERMINAL_LIMITS.batchMs - 1);
    expect(events).toEqual([]);
    pty.dataListener('c');
    vi.advanceTimersByTime(1);
    expect(events).toEqual([{ type: 'terminal.data', id, data: 'abc' }]);
  });

  it('flushes at once when a batch reaches 64 KiB', () => {
    const { pty } = started();
    pty.dataListener('x'.repeat(TERMINAL_LIMITS.batchChars - 1));
    expect(events).toHaveLength(0);
    pty.dataListener('y');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ data: expect.stringMatching(/^x+y$/) });
  });

  it('sends the exit only after the last data, then forgets the terminal but keeps its scrollback', () => {
    const { id, pty } = started();
    pty.dataListener('done\r\n');
    pty.exitListener({ exitCode: 3, signal: 0 });
    expect(events).toEqual([
      { type: 'terminal.data', id, data: 'done\r\n' },
      { type: 'terminal.exit', id, exitCode: 3, signal: null },
    ]);
    expect(() => service.write(id, 'x')).toThrow(
      expect.objectContaining({ code: 'not-found', message: expect.stringMatching(/exited/) }),
    );
    expect(service.scrollback(id)).toBe('done\r\n');
    pty.dataListener('late');
    vi.runAllTimers();
    expect(events).toHaveLength(2);
  });

  it('reports a signalled exit without a misleading exit code 0', () => {
    const { id, pty } = started();
    pty.exitListener({ exitCode: 0, signal: 15 });
    expect(events).toEqual([{ type: 'terminal.exit', id, exitCode: null, signal: 15 }]);
  });

  it('keeps the last 256 KiB of scrollback', () => {
    const { id, pty } = started();
    const chunk = 'z'.repeat(100 * 1024);
    for (let i = 0; i < 5; i++) pty.dataListener(i === 4 ? `${chunk.slice(1)}!` : chunk);
    const text = service.scrollback(id);
    expect(text).toHaveLength(TERMINAL_LIMITS.scrollbackChars);
    expect(text.endsWith('z!')).toBe(true);
  });

  it('keeps scrollback of only the last 10 exited terminals', () => {
    const ids = Array.from({ length: 11 }, () => {
      const { id, pty } = started();
      pty.dataListener(id);
      pty.exitListener({ exitCode: 0 });
      return id;
    });
    expect(() => service.scrollback(ids[0] ?? '')).toThrow(expect.objectContaining({ code: 'not-found' }));
    expect(service.scrollback(ids[10] ?? '')).toBe('pty-11');
  });
});

describe('TerminalService control', () => {
  it('passes input and sizes through', () => {
    const { id, pty } = started();
    service.write(id, 'ls\r');
    service.resize(id, 120, 40);
    expect(pty.written).toEqual(['ls\r']);
    expect(pty.sizes).toEqual([[120, 40]]);
    expect(() => service.resize(id, 0, 40)).toThrow(expect.objectContaining({ code: 'invalid-request' }));
  });

  it.each(['write', 'resize', 'kill', 'scrollback'] as const)(
    '%s of an unknown id is not-found',
    (method) => {
      const call = {
        write: () => service.write('pty-99', 'x'),
        resize: () => service.resize('pty-99', 80, 24),
        kill: () => service.kill('pty-99'),
        scrollback: () => service.scrollback('pty-99'),
      }[method];
      expect(call).toThrow(expect.objectContaining({ code: 'not-found' }));
    },
  );

  it('kills with SIGTERM, then SIGKILL after 2 s', () => {
    const { id, pty } = started();
    service.kill(id);
    service.kill(id);
    expect(pty.signals).toEqual(['SIGTERM']);
    vi.advanceTimersByTime(TERMINAL_LIMITS.killGraceMs);
    expect(pty.signals).toEqual(['SIGTERM', 'SIGKILL']);
  });

  it('does not SIGKILL a program that stopped on SIGTERM', () => {
    const { id, pty } = started();
    service.kill(id);
    pty.exitListener({ exitCode: 0, signal: 15 });
    vi.advanceTimersByTime(TERMINAL_LIMITS.killGraceMs * 2);
    expect(pty.signals).toEqual(['SIGTERM']);
  });

  it('killAll resolves once every terminal has exited', async () => {
    const a = started();
    const b = started();
    let done = false;
    const all = service.killAll().then(() => (done = true));
    a.pty.exitListener({ exitCode: 0, signal: 15 });
    await Promise.resolve();
    expect(done).toBe(false);
    b.pty.exitListener({ exitCode: 0, signal: 15 });
    await all;
    expect(a.pty.signals).toEqual(['SIGTERM']);
  });
});
