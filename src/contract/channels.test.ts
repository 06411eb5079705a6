import { describe, expect, it } from 'vitest';
import { channelNames, channels } from './channels.js';
import * as contract from './index.js';

/** Every `<group>Channels` map the contract exports, found by name so a new domain needs no line here. */
const domains = Object.entries(contract as Record<string, unknown>)
  .filter(([name]) => /^[a-z][A-Za-z]*Channels$/.test(name))
  .map(([name, map]) => [name, map as Record<string, unknown>] as const);

describe('channels', () => {
  it('is exactly the union of the domain contracts, each channel named after its domain', () => {
    const merged: Record<string, unknown> = channels;
    let count = 0;
    for (const [exportName, map] of domains) {
      const group = exportName.replace(/Channels$/, '');
      for (const [name, channel] of Object.entries(map)) {
        expect(name.startsWith(`${group}.`)).toBe(true);
        expect(merged[name], `${name} is not in channels`).toBe(channel);
        count += 1;
      }
    }
    expect(domains.length).toBeGreaterThanOrEqual(11);
    expect(channelNames).toHaveLength(count);
  });
});
