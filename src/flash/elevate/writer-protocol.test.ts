import { describe, expect, it } from 'vitest';
import {
  decodeControl,
  decodeEvent,
  decodeRequest,
  encodeLine,
  LineSplitter,
  MAX_LINE_BYTES,
  type WriterEvent,
  type WriterRequest,
  WriterProtocolError,
} from './writer-protocol.js';

const request: WriterRequest = {
  v: 1,
  source: '/home/me/nixos.img.zst',
  devices: ['/dev/sdb'],
  verify: true,
};
const sha = 'a'.repeat(64);

describe('writer protocol', () => {
  it('round-trips a request, a cancel and every event kind', () => {
    expect(decodeRequest(encodeLine(request).trim())).toEqual(request);
    expect(decodeControl(encodeLine({ cancel: true }).trim())).toEqual({ cancel: true });
    const events: WriterEvent[] = [
      { progress: { phase: 'writing', done: 10, total: null } },
      { progress: { phase: 'verifying', done: 10, total: 20 } },
      { log: 'Wrote 10 bytes' },
      {
        done: {
          bytesWritten: 10,
          sourceSha256: sha,
          verified: true,
          writeSeconds: 1.5,
          verifySeconds: 0,
          devices: [{ device: '/dev/sdb', ok: true, bytesWritten: 10, verified: true }],
        },
      },
      { error: { code: 'system-disk', message: 'no', hint: 'pick a card' } },
    ];
    for (const event of events) expect(decodeEvent(encodeLine(event).trim())).toEqual(event);
    expect(encodeLine(request).endsWith('\n')).toBe(true);
  });

  it.each([
    ['unknown field', JSON.stringify({ ...request, showAllDrives: true })],
    ['wrong version', JSON.stringify({ ...request, v: 2 })],
    ['relative source', JSON.stringify({ ...request, source: 'image.img' })],
    ['NUL in device', JSON.stringify({ ...request, devices: ['/dev/sdb\u0000'] })],
    ['missing verify', JSON.stringify({ v: 1, source: '/a.img', devices: ['/dev/sdb'] })],
    ['the single-device form', JSON.stringify({ v: 1, source: '/a.img', device: '/dev/sdb', verify: true })],
    ['no devices', JSON.stringify({ ...request, devices: [] })],
    ['not JSON', '{v:1'],
    ['oversize', JSON.stringify({ ...request, source: `/${'x'.repeat(MAX_LINE_BYTES)}` })],
    [
      'a repeated device',
      JSON.stringify({ v: 1, source: '/a.img', devices: ['/dev/sdb', '/dev/sdb'], verify: true }),
    ],
    [
      'one macOS disk by both its names',
      JSON.stringify({ v: 1, source: '/a.img', devices: ['/dev/disk4', '/dev/rdisk4'], verify: true }),
    ],
  ])('rejects a request with %s', (_name, line) => {
    expect(() => decodeRequest(line)).toThrow(WriterProtocolError);
  });

  it('rejects unknown fields and kinds in events and controls', () => {
    expect(() => decodeEvent(JSON.stringify({ log: 'x', extra: 1 }))).toThrow(WriterProtocolError);
    expect(() => decodeEvent(JSON.stringify({ shell: 'rm -rf /' }))).toThrow(WriterProtocolError);
    expect(() =>
      decodeEvent(JSON.stringify({ error: { code: 'Bad Code', message: '', hint: '' } })),
    ).toThrow();
    expect(() => decodeEvent(JSON.stringify({ done: { bytesWritten: 1 } }))).toThrow(WriterProtocolError);
    const withoutCards = {
      bytesWritten: 1,
      sourceSha256: sha,
      verified: true,
      writeSeconds: 1,
      verifySeconds: 0,
    };
    expect(() => decodeEvent(JSON.stringify({ done: withoutCards }))).toThrow(WriterProtocolError);
    expect(() => decodeControl(JSON.stringify({ cancel: false }))).toThrow(WriterProtocolError);
  });

  it('refuses to encode an oversize line', () => {
    expect(() => encodeLine({ log: 'x'.repeat(MAX_LINE_BYTES) })).toThrow(WriterProtocolError);
  });

  it('splits chunks into lines and caps an unfinished one', () => {
    const splitter = new LineSplitter();
    expect(splitter.push('{"a":1}\n{"b"')).toEqual(['{"a":1}']);
    expect(splitter.push(':2}\n\n')).toEqual(['{"b":2}']);
    expect(splitter.push('tail')).toEqual([]);
    expect(splitter.rest()).toBe('tail');
    expect(() => new LineSplitter().push('y'.repeat(MAX_LINE_BYTES + 1))).toThrow(WriterProtocolError);
    expect(() => new LineSplitter().push(`${'y'.repeat(MAX_LINE_BYTES + 1)}\n`)).toThrow(WriterProtocolError);
  });
});
