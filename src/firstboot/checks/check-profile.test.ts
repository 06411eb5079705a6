import { describe, expect, it } from 'vitest';
import { CommandCheck, HttpCheck, type HttpCheck as HttpCheckType } from '../../contract/firstboot.js';
import type { HttpResult } from '../remote-shell.js';
import { describeHttpError, runCommandCheck, runHttpCheck } from './check-profile.js';
import { ScriptedShell } from '../../../test/helpers/scripted-shell.js';

const upsc = CommandCheck.parse({
  kind: 'command',
  name: 'UPS',
  command: 'upsc -l',
  expectOutput: 'ups@localhost',
});
const metrics = 'http://127.0.0.1:9100/metrics';

describe('runCommandCheck', () => {
  it('passes on the expected exit and output, with the timeout in ms', async () => {
    const shell = new ScriptedShell().on('upsc -l', { stdout: 'ups@localhost\n', stderr: 'Init SSL\n' });
    expect(await runCommandCheck({ shell }, upsc)).toEqual({
      status: 'pass',
      summary: 'exit 0',
      output: 'ups@localhost\nInit SSL\n',
    });
    expect(shell.calls[0]?.options.timeoutMs).toBe(30_000);
  });

  it.each([
    [{ exitCode: 1, stderr: 'no ups' }, 'exit 1 (expected 0)'],
    [{ stdout: 'other@localhost' }, 'output lacks "ups@localhost"'],
    [{ exitCode: null, timedOut: true }, 'timed out after 30 s'],
    [{ exitCode: null, signal: 'KILL' }, 'killed by KILL'],
  ])('fails on %j', async (reply, summary) => {
    const shell = new ScriptedShell().on('upsc -l', reply);
    expect(await runCommandCheck({ shell }, upsc)).toMatchObject({ status: 'fail', summary });
  });

  it('compares with a non-zero expected exit and no expected output', async () => {
    const check = CommandCheck.parse({ kind: 'command', name: 'x', command: 'false', expectExit: 1 });
    const shell = new ScriptedShell().on('false', { exitCode: 1 });
    expect((await runCommandCheck({ shell }, check)).summary).toBe('exit 1');
  });
});

function http(extra: Partial<HttpCheckType> = {}): HttpCheckType {
  return HttpCheck.parse({ kind: 'http', name: 'metrics', url: metrics, ...extra });
}
const noFetch = () => Promise.reject(new Error('fetchHere must not be used'));

describe('runHttpCheck', () => {
  it('GETs from the Pi and passes on the expected status and body', async () => {
    const shell = new ScriptedShell().onGet(metrics, { status: 200, body: 'node_boot_time 1' });
    const check = http({ expectBody: 'node_boot_time' });
    expect(await runHttpCheck({ shell, fetchHere: noFetch }, check)).toEqual({
      status: 'pass',
      summary: 'HTTP 200',
      output: 'node_boot_time 1',
    });
    expect(shell.urls).toEqual([metrics]);
  });

  it('GETs from here through fetchHere, not the shell', async () => {
    const shell = new ScriptedShell();
    const seen: string[] = [];
    const fetchHere = async (url: string): Promise<HttpResult> => (seen.push(url), { status: 200, body: '' });
    expect((await runHttpCheck({ shell, fetchHere }, http({ from: 'here' }))).status).toBe('pass');
    expect(seen).toEqual([metrics]);
    expect(shell.urls).toEqual([]);
  });

  it.each([
    [{ status: 503, body: 'down' }, {}, 'HTTP 503 (expected 200)'],
    [{ status: 200, body: 'hello' }, { expectBody: 'node_boot_time' }, 'body lacks "node_boot_time"'],
    [{ status: 404 }, { expectStatus: 404, expectBody: 'gone' }, 'body lacks "gone"'],
  ])('fails on %j with %j', async (reply, extra, summary) => {
    const shell = new ScriptedShell().onGet(metrics, reply);
    expect(await runHttpCheck({ shell, fetchHere: noFetch }, http(extra))).toMatchObject({
      status: 'fail',
      summary,
    });
  });

  it('turns a refused connection into a failed check, not an error', async () => {
    const shell = new ScriptedShell(); // unscripted URLs are refused
    expect(await runHttpCheck({ shell, fetchHere: noFetch }, http())).toEqual({
      status: 'fail',
      summary: 'connection refused',
      output: 'connect ECONNREFUSED',
    });
  });
});

describe('describeHttpError', () => {
  it.each([
    [Object.assign(new Error('x'), { code: 'ETIMEDOUT' }), 'timed out after 10 s'],
    [Object.assign(new Error('x'), { code: 'ENOTFOUND' }), 'host not found'],
    [
      new Error('channel open failure: administratively prohibited'),
      'channel open failure: administratively prohibited',
    ],
    ['weird', 'weird'],
  ])('describes %s', (error, text) => {
    expect(describeHttpError(error, 10)).toBe(text);
  });
});
