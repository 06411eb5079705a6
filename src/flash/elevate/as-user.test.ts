import { describe, expect, it } from 'vitest';
import { asUser } from './as-user.js';

const nobody = { uid: 65534, gid: 65534 };
const ids = () => ({ euid: process.geteuid?.(), egid: process.getegid?.(), groups: process.getgroups?.() });

describe.skipIf(process.getuid?.() !== 0)('asUser (as root)', () => {
  it('runs the action as the user and comes back to root', async () => {
    const before = ids();
    expect(await asUser(nobody, async () => ids())).toEqual({ euid: 65534, egid: 65534, groups: [65534] });
    expect(ids()).toEqual(before);
  });

  it('gives back whatever it switched when a later switch fails', async () => {
    const before = ids();
    // A name no account has: seteuid throws after the groups and the gid were already switched.
    const broken = { uid: 'no-such-user-companion' as unknown as number, gid: 65534 };
    await expect(asUser(broken, async () => 'ran')).rejects.toThrow();
    expect(ids()).toEqual(before);
  });

  it('refuses to be entered again while a switch is active, nested or concurrent', async () => {
    const before = ids();
    const nested = await asUser(nobody, () =>
      asUser(null, async () => ids()).then(
        () => 'ran',
        (error: unknown) => (error as { code?: string }).code,
      ),
    );
    expect(nested).toBe('flash-as-user-reentered');
    const [first, second] = await Promise.allSettled([
      asUser(nobody, () => new Promise((resolve) => setTimeout(() => resolve(ids().euid), 20))),
      asUser(nobody, async () => ids().euid),
    ]);
    expect(first).toEqual({ status: 'fulfilled', value: 65534 });
    expect(second).toMatchObject({ status: 'rejected', reason: { code: 'flash-as-user-reentered' } });
    expect(ids()).toEqual(before);
  });
});
