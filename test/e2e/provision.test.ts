import { spawnSync } from 'node:child_process';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSdImage } from '../fixtures/sd-image.js';
import { catFile } from '../helpers/debugfs-probe.js';
import { screenshotBothThemes, useAppSessions } from './harness.js';

const session = useAppSessions();

describe('the provisioning wizard', () => {
  it('goes from a new host through injection to the pinned fingerprint', async () => {
    const { page, dataDir } = session();
    await mkdir(join(dataDir, 'fixture'));
    const fixture = await buildSdImage(join(dataDir, 'fixture'), { compress: 'xz' });
    const out = join(dataDir, 'out');
    await mkdir(out);

    await page.getByRole('button', { name: 'Provision', exact: true }).click();
    await page.getByLabel('Host name').fill('pi-garage');
    await page.getByLabel('Wi-Fi country').fill('de');
    await page.getByRole('button', { name: 'Save host and continue' }).click();

    await page.getByLabel('Source image', { exact: true }).fill(fixture.compressedPath!);
    await page.getByLabel('Write the provisioned image to', { exact: true }).fill(out);
    await page.getByLabel('Type the Wi-Fi details').check();
    await page.getByLabel('Wi-Fi name (SSID)').fill('Garage');
    await page.getByLabel('Wi-Fi password', { exact: true }).fill('short');
    await page.getByRole('button', { name: 'Check' }).click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.innerText()).toMatch(/8 to 63 characters/);

    await page.getByLabel('Wi-Fi password', { exact: true }).fill('garage-door-42');
    await page.getByRole('button', { name: 'Check' }).click();
    await expect.poll(() => page.getByTestId('plan-host-key').innerText()).toMatch(/new ed25519 key/);
    await screenshotBothThemes(page, 'provision-review');
    expect(await page.locator('.plan').innerText()).toMatch(/xz/);
    expect(await page.locator('.plan').innerText()).not.toContain('garage-door-42');
    await page.getByRole('button', { name: 'Provision', exact: true }).last().click();

    const fingerprint = page.getByTestId('host-key-fingerprint');
    await fingerprint.waitFor({ timeout: 30_000 });
    const shown = await fingerprint.innerText();
    expect(shown).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(await page.getByTestId('age-recipient').innerText()).toMatch(/^age1/);
    expect(await page.getByLabel('NixOS module').innerText()).toContain(
      '/var/lib/bootstrap/ssh_host_ed25519_key',
    );

    // The fingerprint on screen is the key inside the image, read with debugfs and hashed by ssh-keygen.
    const image = join(out, 'pi-garage.img');
    expect((await stat(image)).mode & 0o777).toBe(0o600);
    const pubFile = join(dataDir, 'pub');
    await writeFile(
      pubFile,
      catFile(image, fixture.rootOffset, '/var/lib/bootstrap/ssh_host_ed25519_key.pub'),
    );
    expect(spawnSync('ssh-keygen', ['-lf', pubFile]).stdout.toString()).toContain(shown);
    expect(await readdir(out)).toEqual(['pi-garage.img']);

    await screenshotBothThemes(page, 'provision-done', { fullPage: true });
    const [host] = session().bridge.core.hosts.list();
    expect(host).toMatchObject({
      name: 'pi-garage',
      wifiCountry: 'DE',
      pinnedHostKey: { fingerprint: shown },
    });

    // Again for the same host: the wizard must follow the new run, not show the previous result.
    await page.getByRole('button', { name: 'Provision another' }).click();
    await page.getByRole('button', { name: 'Provision pi-garage', exact: true }).click();
    await page.getByLabel('Source image', { exact: true }).fill(fixture.compressedPath!);
    await page.getByLabel('Write the provisioned image to', { exact: true }).fill(join(out, 'second.img'));
    await page.getByLabel('No Wi-Fi (Ethernet)').check();
    await page.getByRole('button', { name: 'Check' }).click();
    await page.getByTestId('plan-host-key').waitFor();
    await page.getByRole('button', { name: 'Provision', exact: true }).last().click();
    await expect.poll(() => fingerprint.innerText(), { timeout: 30_000 }).not.toBe(shown);
    const second = await fingerprint.innerText();
    expect(second).toMatch(/^SHA256:/);
    expect(session().bridge.core.hosts.list()[0]?.pinnedHostKey?.fingerprint).toBe(second);
    expect((await readdir(out)).sort()).toEqual(['pi-garage.img', 'second.img']);
  });
});
