import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DoctorReport, LogLine, TaskSnapshot } from '../../src/contract/index.js';

// The real bundle, as users run it; `npm test` (scripts/test.mjs) builds it before the suite.
const BUNDLE = join(process.cwd(), 'dist', 'cli', 'companion.cjs');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let home: string;

/** Runs `node dist/cli/companion.cjs …` against the temp data dir; `whileRunning` may signal the child. */
function companion(
  args: string[],
  whileRunning?: (child: ReturnType<typeof spawn>, stderr: () => string) => void,
) {
  return new Promise<Run>((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, COMPANION_HOME: home };
    delete env.COMPANION_DEBUG;
    const child = spawn(process.execPath, [BUNDLE, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    whileRunning?.(child, () => stderr);
  });
}

async function taskList(): Promise<TaskSnapshot[]> {
  const run = await companion(['tasks', '--json']);
  expect(run.code, run.stderr).toBe(0);
  return TaskSnapshot.array().parse(JSON.parse(run.stdout));
}

function newestMtime(dir: string): number {
  return Math.max(
    ...readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
      .map((file) => statSync(join(dir, file)).mtimeMs),
  );
}

beforeAll(async () => {
  if (!existsSync(BUNDLE)) {
    throw new Error(
      `${BUNDLE} is missing: run "npm run build" first (or "npm test", which builds before testing).`,
    );
  }
  if (statSync(BUNDLE).mtimeMs < newestMtime(join(process.cwd(), 'src', 'cli'))) {
    throw new Error(`${BUNDLE} is older than src/cli: run "npm run build" so this tests the current code.`);
  }
  home = await mkdtemp(join(tmpdir(), 'companion-cli-'));
});

afterAll(async () => {
  if (home) await rm(home, { recursive: true, force: true });
});

const ERROR_AND_HINT = /^error: .+\nhint: .+$/m;

describe('companion CLI', () => {
  it('prints its version and help with the exit codes', async () => {
    const version = await companion(['--version']);
    expect(version).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
    const help = await companion(['self-test', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--step-ms <ms>');
    expect(help.stdout).toMatch(/Exit codes:[\s\S]*130 {2}cancelled/);
  });

  it('doctor --json prints a valid report with debugfs found', async () => {
    const run = await companion(['doctor', '--json']);
    const report = DoctorReport.parse(JSON.parse(run.stdout));
    expect(report.tools.find((tool) => tool.id === 'debugfs')).toMatchObject({
      found: true,
      path: '/usr/sbin/debugfs',
    });
    const unusable = report.tools.some((tool) => !tool.found || tool.problem !== null);
    expect(run.code).toBe(unusable ? 3 : 0);
    if (unusable) expect(run.stderr).toMatch(ERROR_AND_HINT);
  });

  it('runs a self-test to success, records it, and shows its log', async () => {
    const run = await companion(['self-test', '--steps', '5', '--step-ms', '10', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const task = TaskSnapshot.parse(JSON.parse(run.stdout));
    expect(task).toMatchObject({ kind: 'self-test', state: 'succeeded', progress: { done: 5, total: 5 } });
    expect((await taskList()).find((t) => t.id === task.id)?.state).toBe('succeeded');

    const log = await companion(['tasks', 'log', task.id]);
    expect(log.code, log.stderr).toBe(0);
    expect(log.stdout).toMatch(/info +Started: Self-test \(5 steps\)/);
    expect(log.stdout).toMatch(/info +Done\./);
    const json = await companion(['tasks', 'log', task.id, '--json']);
    expect(
      LogLine.array()
        .parse(JSON.parse(json.stdout))
        .map((line) => line.message),
    ).toContain('Done.');
    // Another process reads the result back from the history.
    const result = await companion(['tasks', 'result', task.id]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ steps: 5 });
  });

  it('cancels a self-test on SIGINT, exits 130 and records it as cancelled', async () => {
    const started = Date.now();
    const run = await companion(['self-test', '--steps', '1000', '--step-ms', '20'], (child, stderr) => {
      // Wait for the first progress line (the task is running) and at least 300 ms, then press Ctrl-C.
      const timer = setInterval(() => {
        if (stderr().includes('counting') && Date.now() - started >= 300) {
          clearInterval(timer);
          child.kill('SIGINT');
        }
      }, 20);
      child.on('close', () => clearInterval(timer));
    });
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).toContain('Cancelling…');
    expect(run.stderr).toMatch(/^error: Self-test \(1000 steps\) was cancelled\.\nhint: .+/m);
    const cancelled = (await taskList()).filter((t) => t.title === 'Self-test (1000 steps)');
    expect(cancelled.map((t) => t.state)).toEqual(['cancelled']);
    expect(cancelled[0]?.progress?.done).toBeLessThan(1000);
  });

  it('reports a failing self-test as error + hint on stderr with exit 1', async () => {
    const run = await companion(['self-test', '--steps', '3', '--step-ms', '5', '--fail-at', '2']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: The self-test failed at step 2, as asked\.\nhint: .+/m);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect((await taskList())[0]).toMatchObject({ state: 'failed', error: { code: 'self-test-failure' } });
  });

  it('exits 2 on usage errors, commander’s own included', async () => {
    for (const args of [
      ['self-test', '--bogus'],
      ['frobnicate'],
      ['self-test', '--steps', '0'],
      ['tasks', 'log'],
      ['tasks', 'result', 'not a task id'],
    ]) {
      const run = await companion(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toMatch(ERROR_AND_HINT);
    }
  });

  it('exits 1 with error + hint for an unknown task', async () => {
    const run = await companion(['tasks', 'log', 't-nope']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'error: No task with id t-nope.\nhint: It may have been removed from the history.\n',
    );
  });

  it('changes a setting and reads it back', async () => {
    expect((await companion(['settings', 'set', 'theme', 'dark'])).stdout).toBe('theme = dark\n');
    expect((await companion(['settings', 'get', 'theme'])).stdout).toBe('dark\n');
    const bad = await companion(['settings', 'set', 'terminalFontSize', '99']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(ERROR_AND_HINT);
  });
});
