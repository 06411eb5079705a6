import { describe, expect, it } from 'vitest';
import { FirstBootError } from '../first-boot-errors.js';
import { parseAddress } from './parse-address.js';

describe('parseAddress', () => {
  it.each([
    ['pi', { host: 'pi', port: 22 }],
    ['  pi.lan  ', { host: 'pi.lan', port: 22 }],
    ['pi:2222', { host: 'pi', port: 2222 }],
    ['192.0.2.7', { host: '192.0.2.7', port: 22 }],
    ['192.0.2.7:65535', { host: '192.0.2.7', port: 65535 }],
    ['fe80::1', { host: 'fe80::1', port: 22 }],
    ['2001:db8::7', { host: '2001:db8::7', port: 22 }],
    ['[fe80::1]:2222', { host: 'fe80::1', port: 2222 }],
    ['[fe80::1%wlan0]', { host: 'fe80::1%wlan0', port: 22 }],
    ['raspberrypi.local.', { host: 'raspberrypi.local.', port: 22 }],
  ])('parses %j', (input, expected) => {
    expect(parseAddress(input)).toEqual(expected);
  });

  it('uses the default port it is given', () => {
    expect(parseAddress('pi', 2022)).toEqual({ host: 'pi', port: 2022 });
    expect(parseAddress('pi:23', 2022)).toEqual({ host: 'pi', port: 23 });
  });

  it.each([
    ['', 'it is empty'],
    ['pi:0', 'the port 0 is outside 1–65535'],
    ['pi:65536', 'the port 65536 is outside 1–65535'],
    ['pi:ssh', 'the port "ssh" is not a number'],
    ['pi:', 'the port "" is not a number'],
    [':22', 'the host is missing'],
    ['192.0.2.300', '192.0.2.300 is not a valid IPv4 address'],
    ['pi_zero', 'pi_zero is neither an IP address nor a valid host name'],
    ['-pi', '-pi is neither'],
    ['pi..lan', 'pi..lan is neither'],
    ['fe80::1:2222:zz', 'it looks like IPv6 but is not a valid IPv6 address'],
    ['[pi]:22', 'pi is not an IPv6 address'],
    ['[fe80::1]:99999', 'the port 99999 is outside'],
    ['[fe80::1', 'its [brackets] do not match'],
  ])('rejects %j with a typed error and a hint', (input, why) => {
    let error: unknown;
    try {
      parseAddress(input);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(FirstBootError);
    const typed = error as FirstBootError;
    expect(typed.code).toBe('firstboot-bad-address');
    expect(typed.message).toContain(why);
    expect(typed.hint).toMatch(/\[brackets\]/);
  });
});
