import { describe, expect, it } from 'vitest';
import { FirstBootError } from '../first-boot-errors.js';
import { findHost } from './find-host.js';

describe('findHost rounds', () => {
  it('waits 1 s, 2 s, 4 s, then 5 s between rounds and stops at the deadline', async () => {
    let t = Date.parse('2025-01-01T00:00:00Z');
    const sleeps: number[] = [];
    let rounds = 0;
    const error = await findHost({
      hostName: 'testpi',
      timeoutMs: 20_000,
      now: () => new Date(t),
      sleep: async (ms) => {
        sleeps.push(ms);
        t += ms;
      },
      resolvers: { mdns: async () => (rounds++, []), dns: async () => [] },
    }).catch((e: unknown) => e);
    expect(sleeps).toEqual([1000, 2000, 4000, 5000, 5000, 3000]);
    expect(rounds).toBe(6);
    expect(error).toMatchObject({
      code: 'firstboot-not-found',
      message:
        'Could not reach testpi on SSH within 20 s. Tried: testpi.local: no mDNS answer; testpi: not in DNS.',
    });
  });

  it('reports a failing mDNS socket and a DNS server that never answers, and goes on', async () => {
    const error = await findHost({
      hostName: 'testpi',
      timeoutMs: 300,
      resolvers: {
        mdns: async () => {
          throw new FirstBootError('firstboot-mdns-failed', 'mDNS is broken (EADDRINUSE).', 'hint');
        },
        dns: () => new Promise(() => {}),
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FirstBootError);
    expect((error as FirstBootError).message).toContain(
      'testpi.local: mDNS is broken (EADDRINUSE); testpi: no answer within 0.3 s',
    );
  });

  it('reports an unexpected resolver failure as an error attempt', async () => {
    const attempts: string[] = [];
    await findHost({
      hostName: 'testpi',
      timeoutMs: 100,
      onAttempt: (a) => attempts.push(`${a.via} ${a.result} ${a.detail}`),
      resolvers: {
        mdns: async () => [],
        dns: async () => {
          throw Object.assign(new Error('boom'), { code: 'EAI_FAIL' });
        },
      },
    }).catch(() => undefined);
    expect(attempts).toEqual(['mdns not-found no mDNS answer', 'dns error lookup failed (EAI_FAIL)']);
  });
});
