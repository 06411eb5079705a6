import { closeSync, openSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTool } from './start-tool.js';
import { isAlive } from '../../test/helpers/process-alive.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'start-tool-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The first line the child prints on stdout. */
function firstLine(stream: NodeJS.ReadableStream | null): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    stream?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(text.split('\n')[0] ?? '');
    });
    stream?.on('end', () => reject(new Error(`no line, only ${JSON.stringify(text)}`)));
  });
}

async function waitUntil(check: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return check();
}

describe('startTool', () => {
  it('writes stdout straight into a descriptor and reads stdin from one', async () => {
    const input = path.join(dir, 'in');
    const output = path.join(dir, 'out');
    await writeFile(input, 'from the file\n');
    const inFd = openSync(input, 'r');
    const outFd = openSync(output, 'w');
    try {
      const tool = startTool('/bin/cat', [], { stdin: inFd, stdout: outFd });
      expect(tool.stdin).toBeNull();
      expect(tool.stdout).toBeNull();
      expect(await tool.exited).toEqual({ code: 0, signal: null, stderr: '' });
    } finally {
      closeSync(inFd);
      closeSync(outFd);
    }
    expect(await readFile(output, 'utf8')).toBe('from the file\n');
  });

  it('gives the piped stdin and the stderr tail, and merges env', async () => {
    const tool = startTool('/bin/sh', ['-c', 'cat >&2; echo "$COMPANION_TEST" >&2; exit 5'], {
      stdin: 'pipe',
      env: { COMPANION_TEST: 'merged' },
      stderrTailBytes: 10,
    });
    tool.stdin?.end('0123456789abcdef\n');
    expect(await tool.exited).toEqual({ code: 5, signal: null, stderr: 'ef\nmerged\n' });
  });

  it('resolves, not rejects, when the program cannot be started', async () => {
    const tool = startTool(path.join(dir, 'missing'), []);
    expect(tool.pid).toBeUndefined();
    expect(tool.running).toBe(false);
    const exit = await tool.exited;
    expect(exit).toMatchObject({ code: null, signal: null, error: { code: 'ENOENT' } });
  });

  it('stops a group whose member ignores SIGTERM: SIGKILL to the group after the grace', async () => {
    // The member prints its pid once its trap is set, so the stop cannot come before it.
    const member = `sh -c 'trap "" TERM; echo $$; exec sleep 30'`;
    const tool = startTool('/bin/sh', ['-c', `${member} & wait`], { killGraceMs: 300 });
    const pid = Number(await firstLine(tool.stdout));
    expect(isAlive(pid)).toBe(true);
    tool.stop();
    // The leader stops at once; the member that ignored SIGTERM holds on until the sweep.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(isAlive(pid)).toBe(true);
    expect(await waitUntil(() => !isAlive(pid), 2000)).toBe(true);
    expect((await tool.exited).signal).toBe('SIGTERM');
  });

  it('kills a leader that ignores SIGTERM after the grace', async () => {
    const tool = startTool('/bin/sh', ['-c', "trap '' TERM; echo ready; sleep 30; echo never"], {
      killGraceMs: 300,
    });
    await firstLine(tool.stdout);
    const started = Date.now();
    tool.stop();
    tool.stop(); // once only
    const exit = await tool.exited;
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(exit.signal).toBe('SIGKILL');
    expect(tool.running).toBe(false);
  });

  it('with ownProcessGroup false stays in this process group and signals only the child', async () => {
    const tool = startTool('/bin/sh', ['-c', 'ps -o pgid= -p $$; exec sleep 30'], { ownProcessGroup: false });
    const pgid = Number((await firstLine(tool.stdout)).trim());
    expect(pgid).toBe(Number(readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ')[2]));
    expect(tool.running).toBe(true);
    expect(tool.kill('SIGKILL')).toBe(true);
    expect((await tool.exited).signal).toBe('SIGKILL');
  });

  it('reports its pid once running', async () => {
    let spawned = 0;
    const tool = startTool('/bin/true', [], { onSpawn: (pid) => (spawned = pid) });
    await tool.exited;
    expect(spawned).toBe(tool.pid);
  });

  it.runIf(process.getuid?.() === 0)('runs as the user it is given', async () => {
    const tool = startTool('/bin/sh', ['-c', 'echo "$(id -u):$(id -g)"'], {
      runAs: { uid: 65534, gid: 65534 },
    });
    expect(await firstLine(tool.stdout)).toBe('65534:65534');
    expect((await tool.exited).code).toBe(0);
  });
});
