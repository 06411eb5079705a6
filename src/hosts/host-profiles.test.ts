import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempCore, type TempCore } from '../../test/helpers/temp-core.js';

let temp: TempCore;
beforeEach(async () => {
  temp = await tempCore('host-profiles-');
});
afterEach(() => temp.dispose());

describe('HostProfiles.save with a partial profile', () => {
  it('keeps every saved field the input leaves out, also inside access, and clears one set to null', async () => {
    const { hosts } = temp.core;
    await hosts.save({
      name: 'pi',
      imagePath: '/images/pi.img.zst',
      outputDir: '/out',
      ageKeyFile: '/keys/age.txt',
      access: { identityFile: '/keys/id_ed25519', buildHost: 'root@builder' },
      checks: [
        {
          kind: 'command',
          name: 'uptime',
          command: 'uptime',
          expectExit: 0,
          expectOutput: null,
          timeoutSeconds: 10,
        },
      ],
    });
    const saved = await hosts.save({ name: 'pi', access: { address: '192.0.2.7' } });
    expect(saved).toMatchObject({
      imagePath: '/images/pi.img.zst',
      outputDir: '/out',
      ageKeyFile: '/keys/age.txt',
      access: {
        identityFile: '/keys/id_ed25519',
        buildHost: 'root@builder',
        address: '192.0.2.7',
        sshUser: 'root',
      },
    });
    expect(saved.checks).toHaveLength(1);
    const cleared = await hosts.save({ name: 'pi', imagePath: null, access: { identityFile: null } });
    expect(cleared).toMatchObject({
      imagePath: null,
      outputDir: '/out',
      access: { identityFile: null, address: '192.0.2.7' },
    });
  });

  it('keeps them too when the change comes through the router, as the app sends it', async () => {
    const { hosts, router } = temp.core;
    await hosts.save({ name: 'pi', access: { identityFile: '/keys/id_ed25519', buildHost: 'root@builder' } });
    const answer = await router.invoke('hosts.save', { name: 'pi', access: { address: '192.0.2.7' } });
    expect(answer.ok).toBe(true);
    expect(hosts.get('pi')?.access).toEqual({
      sshUser: 'root',
      address: '192.0.2.7',
      identityFile: '/keys/id_ed25519',
      buildHost: 'root@builder',
    });
  });
});
