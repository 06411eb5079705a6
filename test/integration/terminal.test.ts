import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import type { CompanionEvent, TerminalStartRequest } from '../../src/contract/index.js';
import { EventHub } from '../../src/event-hub.js';
import { nodePtySpawner } from '../../src/terminal/pty-spawner.js';
import type { PtySpawner } from '../../src/terminal/pty-spawner.js';
import { TerminalService } from '../../src/terminal/terminal-service.js';

type ExitEvent = Extract<CompanionEvent, { type: 'terminal.exit' }>;

let spawns = 0;
const countingSpawner: PtySpawner = {
  spawn: (...args) => {
    spawns++;
    return nodePtySpawner.spawn(...args);
  },
};
const hub = new EventHub();
const service = new TerminalService(hub, { spawner: countingSpawner });

afterEach(() => service.killAll());

/** Starts a real terminal and exposes its output so far and a promise of its exit event. */
function run(file: string, args: string[], extra: Partial<TerminalStartRequest> = {}) {
  let output = '';
  let resolveExit: (event: ExitEvent) => void = () => {};
  const exit = new Promise<ExitEvent>((done) => (resolveExit = done));
  const waiters: Array<() => void> = [];
  let id = '';
  const unsubscribe = hub.subscribe((event) => {
    if (event.type === 'terminal.data' && event.id === id) {
      output += event.data;
      waiters.splice(0).forEach((wake) => wake());
    }
    if (event.type === 'terminal.exit' && event.id === id) {
      unsubscribe();
      resolveExit(event);
    }
  });
  id = service.start({ file, args, cols: 80, rows: 24, ...extra }).id;
  const waitFor = async (text: string) => {
    while (!output.includes(text)) await new Promise<void>((wake) => waiters.push(wake));
  };
  return { id, exit, waitFor, output: () => output };
}

describe('TerminalService with node-pty', () => {
  it('runs echo and reports exit code 0 after its output', async () => {
    const term = run('echo', ['hello'], { cwd: tmpdir() });
    expect(await term.exit).toEqual({ type: 'terminal.exit', id: term.id, exitCode: 0, signal: null });
    expect(term.output()).toContain('hello');
    expect(service.scrollback(term.id)).toContain('hello');
  });

  it('reports a non-zero exit code', async () => {
    const term = run('sh', ['-c', 'exit 3']);
    expect(await term.exit).toMatchObject({ exitCode: 3, signal: null });
  });

  it('passes input through and stops the program on kill', async () => {
    const term = run('cat', []);
    service.write(term.id, 'ping\r');
    await term.waitFor('ping');
    service.kill(term.id);
    expect(await term.exit).toMatchObject({ exitCode: null, signal: 15 });
  });

  it('resizes the terminal the program sees', async () => {
    const term = run('sh', ['-c', 'read go; stty size']);
    service.resize(term.id, 120, 40);
    service.write(term.id, '\r');
    expect(await term.exit).toMatchObject({ exitCode: 0 });
    expect(term.output()).toContain('40 120');
  });

  it('refuses a missing program before spawning anything', () => {
    const before = spawns;
    expect(() => service.start({ file: 'no-such-program-xyz', args: [], cols: 80, rows: 24 })).toThrow(
      expect.objectContaining({ code: 'terminal-start-failed' }),
    );
    expect(spawns).toBe(before);
  });
});
