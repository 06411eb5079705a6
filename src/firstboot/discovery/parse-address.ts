import { isIPv4, isIPv6 } from 'node:net';
import { FirstBootError } from '../first-boot-errors.js';

/** A host and the TCP port to reach it on. */
export interface HostPort {
  host: string;
  port: number;
}

const HINT =
  'Type a host name (pi or pi.lan), an IPv4 address (192.168.1.20) or an IPv6 address, optionally with a port: ' +
  'pi:2222, 192.168.1.20:2222 or [fe80::1]:2222 (IPv6 needs [brackets] around it when a port follows).';

const LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

function badAddress(input: string, why: string): FirstBootError {
  return new FirstBootError('firstboot-bad-address', `"${input}" is not an address: ${why}.`, HINT);
}

function parsePort(input: string, text: string): number {
  if (!/^\d{1,5}$/.test(text)) throw badAddress(input, `the port "${text}" is not a number`);
  const port = Number(text);
  if (port < 1 || port > 65535) throw badAddress(input, `the port ${port} is outside 1–65535`);
  return port;
}

function checkHostName(input: string, host: string): void {
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  // Digits and dots only is meant as IPv4; "192.168.1.300" must not pass as a host name.
  if (/^[\d.]+$/.test(name) && !isIPv4(name)) throw badAddress(input, `${host} is not a valid IPv4 address`);
  if (name.length === 0 || name.length > 253 || !name.split('.').every((label) => LABEL.test(label))) {
    throw badAddress(input, `${host} is neither an IP address nor a valid host name`);
  }
}

/**
 * Splits what the user typed into host and port: `pi`, `pi:2222`, `192.0.2.7`, `fe80::1` (bare IPv6 never carries
 * a port) or `[fe80::1]:2222`. Brackets are removed from the returned host.
 */
export function parseAddress(input: string, defaultPort = 22): HostPort {
  const text = input.trim();
  if (text === '') throw badAddress(input, 'it is empty');
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(text);
  if (bracketed) {
    const host = bracketed[1] ?? '';
    if (!isIPv6(host)) throw badAddress(input, `${host || 'the part in [brackets]'} is not an IPv6 address`);
    const port = bracketed[2] === undefined ? defaultPort : parsePort(input, bracketed[2]);
    return { host, port };
  }
  if (text.includes('[') || text.includes(']')) throw badAddress(input, 'its [brackets] do not match');
  const colons = text.split(':').length - 1;
  if (colons > 1) {
    if (!isIPv6(text)) throw badAddress(input, 'it looks like IPv6 but is not a valid IPv6 address');
    return { host: text, port: defaultPort };
  }
  const [host = '', portText] = text.split(':');
  if (host === '') throw badAddress(input, 'the host is missing');
  checkHostName(input, host);
  return { host, port: portText === undefined ? defaultPort : parsePort(input, portText) };
}
