import { describe, expect, it } from 'vitest';
import { HostCheck } from '../../contract/firstboot.js';
import { describeCheck } from './describe-check.js';

describe('describeCheck', () => {
  it.each([
    [
      { kind: 'command', name: 'UPS', command: 'upsc -l', expectOutput: 'ups' },
      'runs `upsc -l` on the Pi, expects exit 0 and output containing "ups"',
    ],
    [
      { kind: 'command', name: 'x', command: 'test -e /x\n&& true', expectExit: 1 },
      'runs `test -e /x && true` on the Pi, expects exit 1',
    ],
    [
      { kind: 'http', name: 'metrics', url: 'http://pi:9100/metrics' },
      'GET http://pi:9100/metrics from the Pi, expects HTTP 200',
    ],
    [
      {
        kind: 'http',
        name: 'web',
        url: 'https://pi.local/',
        from: 'here',
        expectStatus: 302,
        expectBody: 'Found',
      },
      'GET https://pi.local/ from this machine, expects HTTP 302 and a body containing "Found"',
    ],
  ])('describes %j', (input, text) => {
    expect(describeCheck(HostCheck.parse(input))).toBe(text);
  });

  it('shortens a long command to one line', () => {
    const text = describeCheck(HostCheck.parse({ kind: 'command', name: 'long', command: 'x'.repeat(200) }));
    expect(text).toBe(`runs \`${'x'.repeat(79)}…\` on the Pi, expects exit 0`);
  });
});
