import { describe, expect, it, vi } from 'vitest';
import { ATTEMPTS_KEPT, AttemptLog, REPEAT_EVERY_MS } from './attempt-log.js';

function clock(start = Date.parse('2025-01-01T00:00:00Z')) {
  let t = start;
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
}

describe('AttemptLog', () => {
  it('reports a repeated outcome only when it changes or every 30 s', () => {
    const c = clock();
    const onAttempt = vi.fn();
    const log = new AttemptLog(c.now, onAttempt);
    log.record('manual', '192.0.2.7:22', 'refused', 'connection refused');
    c.advance(1000);
    log.record('manual', '192.0.2.7:22', 'refused', 'connection refused');
    log.record('mdns', 'pi.local', 'not-found', 'no mDNS answer');
    c.advance(REPEAT_EVERY_MS - 1000);
    log.record('manual', '192.0.2.7:22', 'refused', 'connection refused');
    c.advance(1000);
    log.record('mdns', 'pi.local', 'resolved', '192.0.2.7');
    expect(onAttempt.mock.calls.map(([a]) => `${a.at} ${a.target} ${a.result}`)).toEqual([
      '2025-01-01T00:00:00.000Z 192.0.2.7:22 refused',
      '2025-01-01T00:00:01.000Z pi.local not-found',
      '2025-01-01T00:00:30.000Z 192.0.2.7:22 refused',
      '2025-01-01T00:00:31.000Z pi.local resolved',
    ]);
    expect(log.attempts()).toHaveLength(4);
  });

  it('summarises the latest outcome per target in the order first tried', () => {
    const log = new AttemptLog(() => new Date());
    log.record('mdns', 'pi.local', 'not-found', 'no mDNS answer');
    log.record('dns', 'pi', 'not-found', 'not in DNS');
    log.record('manual', '192.0.2.7:22', 'timeout', 'no answer within 2 s');
    log.record('manual', '192.0.2.7:22', 'refused', 'connection refused');
    expect(log.summary()).toBe('pi.local: no mDNS answer; pi: not in DNS; 192.0.2.7:22: connection refused');
  });

  it(`keeps only the last ${ATTEMPTS_KEPT} attempts`, () => {
    const log = new AttemptLog(() => new Date());
    for (let i = 0; i < 60; i++) log.record('dns', 'pi', 'resolved', `192.0.2.${i}`);
    const kept = log.attempts();
    expect(kept).toHaveLength(ATTEMPTS_KEPT);
    expect(kept[0]?.detail).toBe('192.0.2.10');
    expect(kept.at(-1)?.detail).toBe('192.0.2.59');
  });
});
