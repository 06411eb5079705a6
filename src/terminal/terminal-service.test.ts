import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CompanionEvent, TerminalStartRequest } from '../contract/index.js';
import { EventHub } from '../event-hub.js';
import { ensureSpawnHelperExecutable } from './pty-spawner.js';
import type { PtyProcess, PtySpawnOptions, PtySpawner } from './pty-spawner.js';
import { TERMINAL_LIMITS, TerminalService } from './terminal-service.js';

class FakePty implements PtyProcess {
  dataListener: (data: string) => void = () => {};
  exitListener: (exit: { exitCode: number; signal?: number }) => void = () => {};
  readonly written: string[] = [];
  readonly sizes: Array<[number, number]> = [];
  readonly signals: Array<string | undefined> = [];
  constructor(
    readonly file: string,
    readonly args: string[],
    readonly options: PtySpawnOptions,
  ) {}
  onData(listener: (data: string) => void) {
    this.dataListener = listener;
  }
  onExit(listener: (exit: { exitCode: number; signal?: number }) => void) {
    this.exitListener = listener;
  }
  write(data: string) {
    this.written.push(data);
  }
  resize(cols: number, rows: number) {
    this.sizes.push([cols, rows]);
  }
  kill(signal?: string) {
    this.signals.push(signal);
  }
}

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
const request = (extra: Partial<TerminalStartRequest> = {}): TerminalStartRequest => ({
  file: 'tool',
  args: ['build', '.#sdImage'],
  cols: 80,
  rows: 24,
  ...extra,
});
const started = (extra: Partial<TerminalStartRequest> = {}) => {
  const { id } = service.start(request(extra));
  return { id, pty: ptys.at(-1) as FakePty };
};

beforeEach(() => {
  vi.useFakeTimers();
  ptys = [];
  events = [];
  const hub = new EventHub();
  hub.subscribe((event) => events.push(event));
  const env = { PATH: bin, HOME: root, TERM: 'dumb', LINES: '10', KEEP: 'yes' };
  service = new TerminalService(hub, { spawner, env, homeDir: root, platform: 'linux' });
});
afterEach(() => vi.useRealTimers());

describe('TerminalService.start', () => {
  it('spawns the resolved program with an argv, the home folder and a merged environment', () => {
    const { id, pty } = started({ env: { NIX_CONFIG: 'x' } });
    expect(id).toBe('pty-1');
    expect(service.start(request()).id).toBe('pty-2');
    expect(pty.file).toBe(join(bin, 'tool'));
    expect(pty.args).toEqual(['build', '.#sdImage']);
    expect(pty.options).toMatchObject({ cwd: root, cols: 80, rows: 24 });
    expect(pty.options.env).toEqual({
      PATH: bin,
      HOME: root,
      KEEP: 'yes',
      NIX_CONFIG: 'x',
      TERM: 'xterm-256color',
    });
  });

  it.each([
    ['a missing folder', { cwd: join(root, 'nope') }, /does not exist/],
    ['a file as folder', { cwd: join(bin, 'tool') }, /not a folder/],
    ['a relative folder', { cwd: 'bin' }, /absolute/],
    ['a program not on the PATH', { file: 'no-such-program' }, /not found on the PATH/],
    ['a missing path', { file: './nope' }, /does not exist/],
    ['a file that is not executable', { file: join(bin, 'plain') }, /not executable/],
  ])('refuses %s before spawning', (_name, extra, message) => {
    expect(() => service.start(request(extra))).toThrow(
      expect.objectContaining({ code: 'terminal-start-failed', message: expect.stringMatching(message) }),
    );
    expect(ptys).toEqual([]);
  });

  it('says which PATH it searched', () => {
    expect(() => service.start(request({ file: 'nix' }))).toThrow(
      expect.objectContaining({ hint: expect.stringContaining(bin) }),
    );
  });

  it('turns a spawn failure into terminal-start-failed', () => {
    const broken = new TerminalService(new EventHub(), {
      env: { PATH: bin },
      spawner: {
        spawn: () => {
          throw new Error('posix_spawnp failed.');
        },
      },
    });
    expect(() => broken.start(request({ cwd: root }))).toThrow(
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
