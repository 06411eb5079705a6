import { describe, expect, it } from 'vitest';
import { CancelledError, CompanionError } from '../errors.js';
import { CliError, cliErrorFrom, exitCodeForErrorCode, reportError } from './cli-error.js';

function report(error: unknown, debug = false): { code: number; text: string } {
  let text = '';
  const code = reportError(error, (chunk) => (text += chunk), debug);
  return { code, text };
}

describe('exitCodeForErrorCode', () => {
  it.each([
    ['cancelled', 130],
    ['invalid-request', 2],
    ['missing-tool', 3],
    ['keychain-unavailable', 3],
    ['not-found', 1],
    ['internal', 1],
  ])('%s → %d', (code, exit) => expect(exitCodeForErrorCode(code)).toBe(exit));
});

describe('reportError', () => {
  it('prints a CLI error as error + hint + notes', () => {
    const error = new CliError('It broke.', 'Fix it.', 3, { notes: ['log: companion tasks log t-1'] });
    expect(report(error)).toEqual({
      code: 3,
      text: 'error: It broke.\nhint: Fix it.\nlog: companion tasks log t-1\n',
    });
  });

  it('uses the code, message and hint of core errors', () => {
    expect(report(new CancelledError())).toEqual({
      code: 130,
      text: 'error: Cancelled.\nhint: Nothing else to do; start it again when you are ready.\n',
    });
    expect(report(new CompanionError('missing-tool', 'No debugfs.', 'Install e2fsprogs.')).code).toBe(3);
  });

  it('keeps each of error and hint on one line and shows no stack unless debugging', () => {
    const { code, text } = report(new Error('first\nsecond'));
    expect(code).toBe(1);
    expect(text.split('\n').filter(Boolean)).toEqual([
      'error: first second',
      expect.stringMatching(/^hint: This is a bug in the app/),
    ]);
    expect(text).not.toContain('    at ');
  });

  it('prints the stack and its causes with COMPANION_DEBUG', () => {
    const error = new CliError('Outer.', 'Hint.', 1, { cause: new Error('inner cause') });
    const { text } = report(error, true);
    expect(text).toContain('CliError: Outer.');
    expect(text).toContain('Error: inner cause');
    expect(text).toContain('    at ');
  });
});

describe('cliErrorFrom', () => {
  it('keeps the router’s message and hint and maps its code', () => {
    expect(cliErrorFrom({ code: 'not-found', message: 'No task.', hint: 'List them.' })).toMatchObject({
      message: 'No task.',
      hint: 'List them.',
      exitCode: 1,
    });
  });
});
