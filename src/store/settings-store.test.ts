import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HostProfiles } from '../hosts/host-profiles.js';
import { SettingsStore, defaultSettings } from './settings-store.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'settings-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const fixedNow = () => new Date('2026-11-23T10:00:00.000Z');

describe('SettingsStore', () => {
  it('starts from defaults without creating a file', async () => {
    const store = new SettingsStore(dir);
    expect((await store.load()).settings).toEqual(defaultSettings);
    expect(await readdir(dir)).toEqual([]);
  });

  it('writes updates atomically, private to the user, and reads them back', async () => {
    const store = new SettingsStore(dir);
    await store.load();
    await store.update({ theme: 'dark', taskHistoryLimit: 20 });
    const again = new SettingsStore(dir);
    expect((await again.load()).settings).toMatchObject({ theme: 'dark', taskHistoryLimit: 20, version: 2 });
    expect((await stat(store.file)).mode & 0o777).toBe(0o600);
    expect((await readdir(dir)).filter((f) => f !== 'settings.json')).toEqual([]); // no temp files left
  });

  it('refuses an invalid update and keeps the previous value', async () => {
    const store = new SettingsStore(dir);
    await store.load();
    await expect(store.update({ terminalFontSize: 200 })).rejects.toMatchObject({ code: 'invalid-request' });
    await expect(store.update({ passphrase: 'x' })).rejects.toMatchObject({ code: 'invalid-request' });
    expect(store.get().settings.terminalFontSize).toBe(defaultSettings.terminalFontSize);
  });

  it('moves a corrupt file aside, reports it, and does not lose it', async () => {
    await writeFile(join(dir, 'settings.json'), '{"version":1,"theme":"dark",');
    const view = await new SettingsStore(dir, { now: fixedNow }).load();
    expect(view.settings).toEqual(defaultSettings);
    expect(view.recoveredFrom).toBe(join(dir, 'settings.json.corrupt-2026-11-23T10-00-00-000Z'));
    expect(await readFile(view.recoveredFrom!, 'utf8')).toBe('{"version":1,"theme":"dark",');
  });

  it('treats a file that fails the schema as corrupt too', async () => {
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ version: 2, theme: 'purple', hosts: [] }));
    const view = await new SettingsStore(dir, { now: fixedNow }).load();
    expect(view.recoveredFrom).not.toBeNull();
  });

  it('migrates an unversioned file and rewrites it in the current format', async () => {
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ theme: 'light' }));
    const view = await new SettingsStore(dir).load();
    expect(view.settings).toMatchObject({ version: 2, theme: 'light', hosts: [] });
    expect(JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8'))).toMatchObject({
      version: 2,
      hosts: [],
    });
  });

  it('notifies listeners after an update', async () => {
    const store = new SettingsStore(dir);
    await store.load();
    const seen: string[] = [];
    store.onChange((s) => seen.push(s.theme));
    await store.update({ theme: 'light' });
    expect(seen).toEqual(['light']);
  });

  it("applies only its own change to what another copy saved meanwhile (the app's theme vs. a CLI pin)", async () => {
    const app = new SettingsStore(dir);
    await app.load();
    await new HostProfiles(app).save({
      name: 'pi',
      flakeDir: '/flake',
      imagePath: null,
      sopsFile: null,
      wifiCountry: null,
    });
    const cli = new SettingsStore(dir);
    await cli.load();
    const pin = {
      publicKeyLine: 'ssh-ed25519 AAAA',
      fingerprint: 'SHA256:x',
      ageRecipient: 'age1x',
      pinnedAt: 'now',
    };
    await new HostProfiles(cli).pinHostKey('pi', pin);

    await app.update({ theme: 'dark' }); // the app's copy still has no pin
    // …and editing the host in the app keeps the pin it never saw.
    await new HostProfiles(app).save({
      name: 'pi',
      flakeDir: '/other',
      imagePath: null,
      sopsFile: null,
      wifiCountry: 'DE',
    });
    const onDisk = await new SettingsStore(dir).load();
    expect(onDisk.settings.theme).toBe('dark');
    expect(onDisk.settings.hosts).toMatchObject([{ name: 'pi', flakeDir: '/other', pinnedHostKey: pin }]);
  });

  it('picks up what another process saved when read, and tells listeners', async () => {
    const app = new SettingsStore(dir);
    await app.load();
    const seen: string[] = [];
    app.onChange((s) => seen.push(s.theme));
    const cli = new SettingsStore(dir);
    await cli.load();
    await cli.update({ theme: 'light' });
    expect(app.get().settings.theme).toBe('light');
    expect(app.get().settings.theme).toBe('light');
    expect(seen).toEqual(['light']); // once, not on every read
  });
});
