import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { createHandlers } from '../../src/api/handlers.js';
import { createRouter } from '../../src/api/router.js';
import type { Services } from '../../src/core.js';
import type { CompanionEvent } from '../../src/contract/index.js';
import { EventHub } from '../../src/event-hub.js';
import { nodePtySpawner } from '../../src/terminal/pty-spawner.js';
import type { PtyProcess, PtySpawner } from '../../src/terminal/pty-spawner.js';
import { TerminalService, type CoreCommand } from '../../src/terminal/terminal-service.js';

type ExitEvent = Extract<CompanionEvent, { type: 'terminal.exit' }>;

const children: PtyProcess[] = [];
const recordingSpawner: PtySpawner = {
  spawn: (...args) => {
    const child = nodePtySpawner.spawn(...args);
    children.push(child);
    return child;
  },
};
const hub = new EventHub();
const service = new TerminalService(hub, { spawner: recordingSpawner });
// Only terminal channels are called here, so the terminal service is the one real dependency.
const router = createRouter(createHandlers({ terminals: service } as unknown as Services));
const size = { cols: 80, rows: 24 };

// Every terminal's output and exit, recorded from the start: output can arrive before its id is known.
const outputs = new Map<string, string>();
const exits = new Map<string, ExitEvent>();
const waiters: Array<() => void> = [];
hub.subscribe((event) => {
  if (event.type === 'terminal.data') outputs.set(event.id, (outputs.get(event.id) ?? '') + event.data);
  else if (event.type === 'terminal.exit') exits.set(event.id, event);
  else return;
  waiters.splice(0).forEach((wake) => wake());
});
const until = async (done: () => boolean) => {
  while (!done()) await new Promise<void>((wake) => waiters.push(wake));
};

afterEach(() => service.killAll());

function watch(id: string) {
  const output = () => outputs.get(id) ?? '';
  return {
    id,
    output,
    waitFor: (text: string | RegExp) =>
      until(() => (typeof text === 'string' ? output().includes(text) : text.test(output()))),
    exit: until(() => exits.has(id)).then(() => exits.get(id) as ExitEvent),
  };
}

const run = (file: string, args: string[], env: CoreCommand['env'] = {}) =>
  watch(service.runCommand({ file, args, env }, size).id);

describe('terminal.start over the router', () => {
  const sh = { file: '/bin/sh', args: ['-c', 'id'] };
  it.each([
    ['a program and its argv', sh],
    ['an environment', { ...sh, env: { LD_PRELOAD: '/tmp/x.so' } }],
    ['a folder', { ...sh, cwd: '/' }],
  ])('refuses a request that names %s, before anything starts', async (_what, extra) => {
    const before = children.length;
    const result = await router.invoke('terminal.start', { ...size, ...extra });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(children.length).toBe(before);
  });

  it("opens the user's login shell, which runs what is typed into it", async () => {
    const shell = userInfo().shell;
    const result = await router.invoke('terminal.start', size);
    expect(result).toMatchObject({ ok: true, value: { shell } });
    const { id } = (result as { value: { id: string } }).value;
    const child = children.at(-1) as PtyProcess;
    const term = watch(id);
    // Typed input, not a spawn: the shell itself prints its pid, so the pty child is the shell and nothing between.
    await router.invoke('terminal.write', { id, data: 'echo "shell-pid=$$"\r' });
    await term.waitFor(`shell-pid=${child.pid}`);
    const argv = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
    expect(argv).toEqual([shell, '-l']);
    await router.invoke('terminal.write', { id, data: 'exit 4\r' });
    expect(await term.exit).toMatchObject({ exitCode: 4, signal: null });
  });
});

describe('TerminalService.runCommand with node-pty', () => {
  it('runs echo and reports exit code 0 after its output', async () => {
    const term = run('echo', ['hello']);
    expect(await term.exit).toEqual({ type: 'terminal.exit', id: term.id, exitCode: 0, signal: null });
    expect(term.output()).toContain('hello');
    expect(service.scrollback(term.id)).toContain('hello');
  });

  it('reports a non-zero exit code and passes the core-built environment', async () => {
    const term = run('sh', ['-c', 'echo "opts=$NIX_SSHOPTS"; exit 3'], { NIX_SSHOPTS: '-F /x' });
    expect(await term.exit).toMatchObject({ exitCode: 3, signal: null });
    expect(term.output()).toContain('opts=-F /x');
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
    const before = children.length;
    expect(() => service.runCommand({ file: 'no-such-program-xyz', args: [], env: {} }, size)).toThrow(
      expect.objectContaining({ code: 'terminal-start-failed' }),
    );
    expect(children.length).toBe(before);
  });
});
