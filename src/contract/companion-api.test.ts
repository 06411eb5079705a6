import { describe, expect, it, vi } from 'vitest';
import { channelNames } from './channels.js';
import { createCompanionApi } from './companion-api.js';

describe('createCompanionApi', () => {
  it('exposes one verb per channel that invokes that channel', async () => {
    const invoke = vi.fn(async () => ({ ok: true as const, value: null }));
    const api = createCompanionApi({ invoke, subscribe: () => () => undefined }) as unknown as Record<
      string,
      Record<string, (r?: unknown) => Promise<unknown>>
    >;
    for (const name of channelNames) {
      const [group, verb] = name.split('.') as [string, string];
      await api[group]![verb]!({ probe: name });
      expect(invoke).toHaveBeenLastCalledWith(name, { probe: name });
    }
    expect(invoke).toHaveBeenCalledTimes(channelNames.length);
  });

  it('sends {} when a verb is called without a request', async () => {
    const invoke = vi.fn(async () => ({ ok: true as const, value: null }));
    const api = createCompanionApi({ invoke, subscribe: () => () => undefined });
    await (api.doctor.run as unknown as () => Promise<unknown>)();
    expect(invoke).toHaveBeenCalledWith('doctor.run', {});
  });
});
