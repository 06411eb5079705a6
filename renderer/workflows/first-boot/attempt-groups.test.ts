import { describe, expect, it } from 'vitest';
import type { DiscoveryAttempt } from '../../../src/contract/index.js';
import { groupAttempts } from './attempt-groups.js';

const attempt = (at: string, extra: Partial<DiscoveryAttempt> = {}): DiscoveryAttempt => ({
  at,
  via: 'mdns',
  target: 'pi.local',
  result: 'not-found',
  detail: 'no mDNS answer',
  ...extra,
});

describe('groupAttempts', () => {
  it('folds identical attempts into one counted line with the last time', () => {
    const groups = groupAttempts([
      attempt('2024-01-01T10:00:00Z'),
      attempt('2024-01-01T10:00:01Z', {
        via: 'manual',
        target: '192.0.2.7:22',
        result: 'refused',
        detail: '',
      }),
      attempt('2024-01-01T10:00:30Z'),
      attempt('2024-01-01T10:01:00Z'),
    ]);
    expect(groups).toEqual([
      expect.objectContaining({ target: 'pi.local', count: 3, lastAt: '2024-01-01T10:01:00Z' }),
      expect.objectContaining({ target: '192.0.2.7:22', outcome: 'refused', count: 1 }),
    ]);
  });

  it('keeps a changed outcome for the same target apart', () => {
    const groups = groupAttempts([
      attempt('2024-01-01T10:00:00Z', {
        via: 'manual',
        target: 'x:22',
        result: 'refused',
        detail: 'connection refused',
      }),
      attempt('2024-01-01T10:00:30Z', { via: 'manual', target: 'x:22', result: 'open', detail: 'port open' }),
    ]);
    expect(groups.map((g) => g.outcome)).toEqual(['connection refused', 'port open']);
  });
});
