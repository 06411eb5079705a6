import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tempCore, type TempCore } from '../../test/helpers/temp-core.js';
import { taskResultOf } from '../contract/index.js';
import type { Core } from '../core.js';
import { generateEd25519HostKey } from '../secrets/ssh-host-key.js';
import type { FirstBootDeps } from './first-boot-run.js';
import { FirstBootService, keyPassphraseAccount } from './first-boot-service.js';

let dir: string;
let core: Core;
const reportOf = async (id: string) => taskResultOf('first-boot', await core.tasks.result(id));
let temp: TempCore;
const key = generateEd25519HostKey('pi');
const presented = { keyLine: key.publicKeyLine, fingerprint: key.fingerprint };
const session = { exec: vi.fn(), httpGet: vi.fn(), close: vi.fn() };

beforeEach(async () => {
  temp = await tempCore('firstboot-service-');
  ({ dataDir: dir, core } = temp);
  await core.hosts.save({
    name: 'pi',
    flakeDir: '/srv/infra',
    imagePath: null,
    sopsFile: null,
    wifiCountry: null,
  });
});

afterEach(() => temp.dispose());

function service(connect: FirstBootDeps['connectPinned'], checksPass = true) {
  const connectPinned: FirstBootDeps['connectPinned'] = vi.fn(connect);
  const overrides: Partial<FirstBootDeps> = {
    findHost: async () => ({ address: '192.0.2.7', port: 2222, via: 'manual' }),
    connectPinned,
    runChecks: async () => [
      {
        id: 'builtin:system-running',
        name: 'System',
        status: checksPass ? 'pass' : 'fail',
        summary: checksPass ? 'running' : 'degraded',
        output: '',
        durationMs: 1,
      },
    ],
    checkLogin: async () => undefined,
    agentSocket: '/run/agent.sock',
  };
  return new FirstBootService({
    dataDir: dir,
    tasks: core.tasks,
    hosts: core.hosts,
    keychain: core.keychain,
    overrides,
  });
}

describe('FirstBootService', () => {
  it('pins a key the user approved under the host names and the address it answered on', async () => {
    const first = service(async () => ({ kind: 'unpinned', presented }));
    const unpinned = await first.start({ host: 'pi' });
    await expect(unpinned.result).rejects.toMatchObject({ code: 'firstboot-host-key-unpinned' });
    expect((await reportOf(unpinned.id))?.trust.presentedKeyLine).toBe(key.publicKeyLine);
    expect(core.hosts.get('pi')?.pinnedHostKey).toBeNull();

    const second = service(async () => ({ kind: 'trusted', session, presented, method: 'agent' }));
    const report = await (await second.start({ host: 'pi', trustPresentedKey: key.publicKeyLine })).result;
    expect(report.passed).toBe(true);
    expect(core.hosts.get('pi')?.pinnedHostKey).toMatchObject({
      publicKeyLine: key.publicKeyLine,
      fingerprint: key.fingerprint,
      ageRecipient: expect.stringMatching(/^age1/),
    });
    expect(report.nextSteps.ageRecipient).toBe(core.hosts.get('pi')?.pinnedHostKey?.ageRecipient);
    const knownHosts = await readFile(second.knownHostsFile, 'utf8');
    expect(knownHosts).toContain(
      `[192.0.2.7]:2222,pi,pi.local ${key.publicKeyLine.split(' ').slice(0, 2).join(' ')}`,
    );
  });

  it('never replaces an existing pin from here, not even with the key the Pi presents', async () => {
    const s = service(async () => ({ kind: 'trusted', session, presented, method: 'agent' }));
    await (
      await s.start({ host: 'pi', trustPresentedKey: key.publicKeyLine })
    ).result;
    const other = generateEd25519HostKey('other');
    await expect(s.start({ host: 'pi', trustPresentedKey: other.publicKeyLine })).rejects.toThrow(
      /already has a pinned/,
    );
    // And in the store itself, should a run race a provisioning.
    await expect(
      core.hosts.pinHostKey('pi', {
        publicKeyLine: other.publicKeyLine,
        fingerprint: other.fingerprint,
        ageRecipient: '',
        pinnedAt: 'now',
      }),
    ).rejects.toThrow(/already has a pinned/);
    expect(core.hosts.get('pi')?.pinnedHostKey?.fingerprint).toBe(key.fingerprint);
  });

  it('offers the deploy only for a run that passed', async () => {
    const pin = service(async () => ({ kind: 'trusted', session, presented, method: 'agent' }));
    const passed = await pin.start({ host: 'pi', trustPresentedKey: key.publicKeyLine });
    await passed.result;
    expect(pin.deployCommand(passed.id).args).toContain('root@192.0.2.7');

    const failing = service(async () => ({ kind: 'trusted', session, presented, method: 'agent' }), false);
    const failed = await failing.start({ host: 'pi' });
    await expect(failed.result).rejects.toMatchObject({ code: 'firstboot-checks-failed' });
    expect(() => failing.deployCommand(failed.id)).toThrow(/no deploy command/);
  });

  it('keeps a key passphrase in the keychain only: not in settings, logs, reports or outcomes', async () => {
    const secret = 'very secret passphrase 42';
    await core.hosts.save({
      name: 'pi',
      flakeDir: null,
      imagePath: null,
      sopsFile: null,
      wifiCountry: null,
      access: { identityFile: join(dir, 'id_ed25519') },
    });
    await writeFile(join(dir, 'id_ed25519'), 'an encrypted key\n');
    let sentPassphrase: string | undefined;
    const connect: FirstBootDeps['connectPinned'] = async ({ auth }) => {
      sentPassphrase = auth.passphrase;
      return { kind: 'trusted', session, presented, method: 'key' };
    };
    const s = service(connect);
    await s.saveKeyPassphrase('pi', secret);
    expect(await core.keychain.get(keyPassphraseAccount(join(dir, 'id_ed25519')))).toBe(secret);
    const run = await s.start({ host: 'pi', trustPresentedKey: key.publicKeyLine });
    await run.result;
    // It did reach the login: the passphrase travelled there and nowhere else.
    expect(sentPassphrase).toBe(secret);
    const everything = [
      await readFile(join(dir, 'settings.json'), 'utf8'),
      JSON.stringify(await core.tasks.log(run.id)),
      JSON.stringify((await reportOf(run.id))!),
      JSON.stringify(core.tasks.get(run.id)),
    ].join('\n');
    expect(everything).not.toContain(secret);
  });
});
