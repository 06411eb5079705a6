import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CancelledError } from '../errors.js';
import { MissingToolError } from './find-tool.js';
import {
  ToolFailedError,
  assertToolSucceeded,
  runTool,
  runToolOrThrow,
  type ToolResult,
} from './run-tool.js';
import { isAlive } from '../../test/helpers/process-alive.js';

const sh = (script: string, options?: Parameters<typeof runTool>[2]) =>
  runTool('/bin/sh', ['-c', script], options);

/** Starts a script that prints a pid on its first line, aborts once that line arrives, and times the rest. */
async function abortAfterFirstLine(script: string, killGraceMs?: number) {
  const controller = new AbortController();
  let pid = 0;
  const started = Date.now();
  const error = await sh(script, {
    signal: controller.signal,
    killGraceMs,
    onStdoutLine: (line) => {
      pid = Number(line);
      controller.abort();
    },
  }).catch((e: unknown) => e);
  return { error, pid, elapsed: Date.now() - started };
}

describe('runTool', () => {
  it('returns exit code, stdout and stderr without throwing on failure', async () => {
    expect(await sh('echo out; echo err >&2; exit 3')).toEqual({
      code: 3,
      signal: null,
      stdout: 'out\n',
      stderr: 'err\n',
    });
  });

  it('passes arguments as argv, never through a shell', async () => {
    const result = await runTool('/bin/echo', ['$HOME; echo injected', '`id`']);
    expect(result.stdout).toBe('$HOME; echo injected `id`\n');
  });

  it('streams lines to callbacks, across chunk boundaries and CRLF', async () => {
    const out: string[] = [];
    const err: string[] = [];
    await sh("printf 'a\\nb'; sleep 0.05; printf 'c\\r\\nlast'; echo e1 >&2", {
      onStdoutLine: (l) => out.push(l),
      onStderrLine: (l) => err.push(l),
    });
    expect(out).toEqual(['a', 'bc', 'last']);
    expect(err).toEqual(['e1']);
  });

  it('writes stdin data and closes it; without data stdin is empty', async () => {
    expect((await runTool('/bin/cat', [], { stdin: 'hello\n' })).stdout).toBe('hello\n');
    expect((await runTool('/bin/cat', [])).stdout).toBe('');
  });

  it('merges env over this process env; undefined removes a variable', async () => {
    const result = await sh('echo "$COMPANION_TEST|$HOME|${PATH:+has-path}"', {
      env: { COMPANION_TEST: 'yes', HOME: undefined },
    });
    expect(result.stdout).toBe('yes||has-path\n');
  });

  it('delivers a secret through an extra pipe fd, not argv or env', async () => {
    const result = await sh('cat <&3; echo; cat <&4', { extraFds: [{ input: 's3cret' }, { input: 'two' }] });
    expect(result.stdout).toBe('s3cret\ntwo');
  });

  it('reads what the child writes to an extra output fd', async () => {
    const chunks: Buffer[] = [];
    await sh('echo status >&3', { extraFds: [{ output: (c) => chunks.push(c) }] });
    expect(Buffer.concat(chunks).toString()).toBe('status\n');
  });

  it('passes an inherited descriptor through', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'run-tool-'));
    const file = path.join(dir, 'out');
    const fd = openSync(file, 'w');
    try {
      await sh('echo via-fd >&3', { extraFds: [{ inherit: fd }] });
    } finally {
      closeSync(fd);
    }
    expect(await readFile(file, 'utf8')).toBe('via-fd\n');
    await rm(dir, { recursive: true });
  });

  it('keeps only the last bytes of big output, but streams every line', async () => {
    let lines = 0;
    const result = await runTool('/usr/bin/seq', ['1', '20000'], {
      maxBufferBytes: 100,
      onStdoutLine: () => lines++,
    });
    expect(lines).toBe(20000);
    expect(Buffer.byteLength(result.stdout)).toBeLessThanOrEqual(100);
    expect(result.stdout.length).toBeGreaterThan(90);
    expect(result.stdout.endsWith('19999\n20000\n')).toBe(true);
  });

  it('hands raw stdout bytes to onStdoutData, unbuffered and undecoded', async () => {
    const chunks: Buffer[] = [];
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const result = await runTool('/bin/cat', [], { stdin: all, onStdoutData: (c) => chunks.push(c) });
    expect(Buffer.concat(chunks).equals(all)).toBe(true);
    expect(result.stdout).toBe('');
  });

  it('caps buffered output at 1 MiB by default', async () => {
    const result = await sh("head -c 3000000 /dev/zero | tr '\\0' a; echo END");
    expect(result.stdout.length).toBe(1024 * 1024);
    expect(result.stdout.endsWith('aEND\n')).toBe(true);
  });

  it('does not wait for a background grandchild that keeps stdout open', async () => {
    const started = Date.now();
    const result = await sh('sleep 30 & echo $!');
    expect(Date.now() - started).toBeLessThan(3000);
    process.kill(Number(result.stdout.trim()), 'SIGKILL');
  });
});

describe('aborting', () => {
  it('kills a sleep 30 quickly and rejects with CancelledError', async () => {
    const { error, pid, elapsed } = await abortAfterFirstLine('echo $$; exec sleep 30');
    expect(error).toBeInstanceOf(CancelledError);
    expect(elapsed).toBeLessThan(1500);
    expect(isAlive(pid)).toBe(false);
  });

  it('also stops what the tool started (its process group)', async () => {
    const { error, pid } = await abortAfterFirstLine('sleep 30 & echo $!; wait');
    expect(error).toBeInstanceOf(CancelledError);
    expect(isAlive(pid)).toBe(false);
  });

  it('sends SIGKILL after 2 s to a child that ignores SIGTERM', async () => {
    const { error, pid, elapsed } = await abortAfterFirstLine("trap '' TERM; echo $$; sleep 30");
    expect(error).toBeInstanceOf(CancelledError);
    expect(elapsed).toBeGreaterThanOrEqual(1900);
    expect(elapsed).toBeLessThan(4000);
    expect(isAlive(pid)).toBe(false);
  });

  it('does not start at all when already aborted', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'run-tool-'));
    const marker = path.join(dir, 'ran');
    await expect(sh(`touch ${marker}`, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(
      CancelledError,
    );
    await expect(readFile(marker)).rejects.toThrow();
    await rm(dir, { recursive: true });
  });
});

describe('failures', () => {
  it('turns ENOENT for a catalog tool into MissingToolError with an install hint', async () => {
    const error = await runTool('/nonexistent/dir/debugfs', ['-V']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingToolError);
    expect(error).toMatchObject({ code: 'missing-tool', tool: 'debugfs' });
    expect((error as MissingToolError).hint).not.toBe('');
  });

  it('does not blame the tool when the working directory is missing', async () => {
    const error = await runTool('/bin/true', [], { cwd: '/nonexistent/cwd' }).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(MissingToolError);
    expect(error).toMatchObject({ code: 'ENOENT' });
  });

  it('turns ENOENT for any other program into MissingToolError', async () => {
    const error = await runTool('no-such-program-xyz', []).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'missing-tool', tool: 'no-such-program-xyz' });
  });

  it('ToolFailedError names the tool, exit code and last stderr lines', async () => {
    const result = await sh('for i in 1 2 3 4 5 6 7; do echo line$i >&2; done; exit 2');
    const error = (() => {
      try {
        assertToolSucceeded('borg', result);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ToolFailedError);
    expect(error).toMatchObject({ code: 'tool-failed', tool: 'borg' });
    expect((error as Error).message).toBe('borg failed with exit code 2:\nline3\nline4\nline5\nline6\nline7');
    expect(assertToolSucceeded('sh', await sh('true')).code).toBe(0);
  });

  it('runToolOrThrow rejects on a non-zero exit and names a signal', async () => {
    await expect(runToolOrThrow('/bin/sh', ['-c', 'exit 4'])).rejects.toThrow('sh failed with exit code 4.');
    await expect(runToolOrThrow('/bin/sh', ['-c', 'kill -9 $$'])).rejects.toThrow(
      'sh was stopped by SIGKILL',
    );
  });

  it('rejects with a throwing line callback’s error and stops the child', async () => {
    let pid = 0;
    const error = await sh('echo $$; exec sleep 30', {
      onStdoutLine: (line) => {
        pid = Number(line);
        throw new Error('callback broke');
      },
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('callback broke');
    expect(isAlive(pid)).toBe(false);
  });
});

describe('judging the exit', () => {
  it('takes the exit codes a call counts as success, in runToolOrThrow and assertToolSucceeded', async () => {
    const warned = await runToolOrThrow('/bin/sh', ['-c', 'echo warning >&2; exit 1'], {
      successExitCodes: [0, 1],
    });
    expect(warned).toMatchObject({ code: 1, stderr: 'warning\n' });
    expect(assertToolSucceeded('borg', warned, { successExitCodes: [0, 1] })).toBe(warned);
    await expect(
      runToolOrThrow('/bin/sh', ['-c', 'exit 2'], { successExitCodes: [0, 1] }),
    ).rejects.toBeInstanceOf(ToolFailedError);
    // A signal is no exit code, whatever the list says.
    await expect(
      runToolOrThrow('/bin/sh', ['-c', 'kill -9 $$'], { successExitCodes: [0, 1] }),
    ).rejects.toThrow('sh was stopped by SIGKILL');
    await expect(runToolOrThrow('/bin/sh', ['-c', 'exit 1'])).rejects.toBeInstanceOf(ToolFailedError);
  });

  it('turns a failure it knows by its stderr into its own error, before the generic one', async () => {
    class LockedError extends Error {}
    const expectedErrors = [
      { pattern: /no such repo/i, error: () => new Error('not this one') },
      {
        pattern: /Failed to create\/acquire the lock/,
        error: (r: ToolResult) => new LockedError(`${r.code}`),
      },
    ];
    const error = await runToolOrThrow(
      '/bin/sh',
      ['-c', 'echo "Failed to create/acquire the lock /repo/lock" >&2; exit 2'],
      { expectedErrors },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockedError);
    expect((error as Error).message).toBe('2');
    // Unmatched stderr, or a success, leaves the usual verdict.
    const other = await runToolOrThrow('/bin/sh', ['-c', 'echo other >&2; exit 2'], { expectedErrors }).catch(
      (e: unknown) => e,
    );
    expect(other).toBeInstanceOf(ToolFailedError);
    const fine = await runToolOrThrow('/bin/sh', ['-c', 'echo "Failed to create/acquire the lock" >&2'], {
      expectedErrors,
    });
    expect(fine.code).toBe(0);
  });

  it('gives the generic failure the hint it is given', async () => {
    await expect(
      runToolOrThrow('/bin/sh', ['-c', 'exit 3'], { hint: 'Check the card.' }),
    ).rejects.toMatchObject({ code: 'tool-failed', hint: 'Check the card.' });
  });
});
