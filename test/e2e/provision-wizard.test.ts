import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { buildSdImage, type SdImageOptions } from '../fixtures/sd-image.js';
import { makeSopsYaml } from '../fixtures/sops-file.js';
import { sopsFixtures } from '../helpers/provision-cli.js';
import { screenshotBothThemes, useAppSessions } from './harness.js';

const session = useAppSessions();

async function fixtureImage(options: SdImageOptions = { compress: 'xz' }) {
  const dir = join(session().dataDir, `fixture-${Math.random().toString(36).slice(2)}`);
  await mkdir(dir);
  const fixture = await buildSdImage(dir, options);
  return fixture.compressedPath ?? fixture.path;
}

async function outputFolder(name = 'out') {
  const out = join(session().dataDir, name);
  await mkdir(out, { recursive: true });
  return out;
}

async function newHost(page: Page, name = 'pi-garage') {
  await page.getByRole('button', { name: 'Provision', exact: true }).click();
  await page.getByLabel('Host name').fill(name);
  await page.getByRole('button', { name: 'Save host and continue' }).click();
  await page.getByRole('heading', { name: '2. Image and secrets' }).waitFor();
}

const field = (page: Page, label: string) => page.getByLabel(label, { exact: true });

/** The typed inputs every test starts from: an image, an output folder, typed Wi-Fi, Replace ticked. */
async function fillInputs(page: Page, image: string, out: string) {
  await field(page, 'Source image').fill(image);
  await field(page, 'Write the provisioned image to').fill(out);
  await page.getByLabel('Replace the file if it already exists').check();
  await page.getByLabel('Type the Wi-Fi details').check();
  await field(page, 'Wi-Fi name (SSID)').fill('Garage');
  await field(page, 'Wi-Fi password').fill('garage-door-42');
  await field(page, 'Wi-Fi country').fill('DE');
}

async function expectInputsKept(page: Page, image: string, out: string) {
  expect(await field(page, 'Source image').inputValue()).toBe(image);
  expect(await field(page, 'Write the provisioned image to').inputValue()).toBe(out);
  expect(await page.getByLabel('Replace the file if it already exists').isChecked()).toBe(true);
  expect(await page.getByLabel('Type the Wi-Fi details').isChecked()).toBe(true);
  expect(await field(page, 'Wi-Fi name (SSID)').inputValue()).toBe('Garage');
  expect(await field(page, 'Wi-Fi password').inputValue()).toBe('garage-door-42');
  expect(await field(page, 'Wi-Fi country').inputValue()).toBe('DE');
}

async function checkToReview(page: Page) {
  await page.getByRole('button', { name: 'Check' }).click();
  await page.getByTestId('plan-host-key').waitFor();
}

/** The status line the source image field shows once the file was inspected. */
const imageStatus = (page: Page) => page.locator('.checked-field .checked-status').first();

describe('the provisioning wizard keeps what was typed', () => {
  it('after Back from Review, and Check passes again', async () => {
    const { page } = session();
    const [image, out] = [await fixtureImage(), await outputFolder()];
    await newHost(page);
    await fillInputs(page, image, out);
    await expect.poll(() => imageStatus(page).innerText()).toMatch(/^xz image, .*2 partitions/);
    await screenshotBothThemes(page, 'provision-inputs');
    await checkToReview(page);
    await page.getByRole('button', { name: 'Back', exact: true }).click();
    await expectInputsKept(page, image, out);
    await checkToReview(page);
    expect(await page.locator('body').innerText()).not.toMatch(/bug in the app/i);
  });

  it('after a failed run, with "Back to the inputs"', async () => {
    const { page } = session();
    // gzip has no size in its header: only reading it all finds the cut, so the run, not the check, fails.
    const image = await fixtureImage({ compress: 'gzip', padMiB: 4, truncateBy: 1024 * 1024 });
    const out = await outputFolder();
    await newHost(page);
    await fillInputs(page, image, out);
    await expect.poll(() => imageStatus(page).innerText()).toMatch(/checked while it is read/);
    await checkToReview(page);
    await page.getByRole('button', { name: 'Provision', exact: true }).last().click();
    await page.getByRole('button', { name: 'Back to the inputs' }).click({ timeout: 30_000 });
    await expectInputsKept(page, image, out);
  });

  it('after leaving the page and coming back', async () => {
    const { page } = session();
    const [image, out] = [await fixtureImage(), await outputFolder()];
    await newHost(page);
    await fillInputs(page, image, out);
    await page.getByRole('button', { name: 'Backups', exact: true }).click();
    await page.getByRole('heading', { name: 'Backups', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Provision', exact: true }).click();
    await expectInputsKept(page, image, out);
  });

  it('for the host: its source image, output folder and age key are offered on its next provision', async () => {
    const { page, dataDir } = session();
    const [image, out] = [await fixtureImage(), await outputFolder()];
    const ageKey = join(sopsFixtures, 'age-keys.txt');
    const recipient = (await readFile(ageKey, 'utf8')).match(/public key: (age1\w+)/)![1]!;
    const sopsFile = join(dataDir, 'pi-garage.yaml');
    await writeFile(sopsFile, makeSopsYaml({ wifi_ssid: 'Garage', wifi_psk: 'garage-door-42' }, recipient));

    await newHost(page);
    await field(page, 'Source image').fill(image);
    await field(page, 'Write the provisioned image to').fill(out);
    await page.getByLabel('From the SOPS file').check();
    await field(page, 'SOPS file').fill(sopsFile);
    await field(page, 'Age key file (optional)').fill(ageKey);
    await checkToReview(page);
    await page.getByRole('button', { name: 'Provision', exact: true }).last().click();
    await page.getByTestId('host-key-fingerprint').waitFor({ timeout: 30_000 });

    // A fresh window: only the host profile can remember them.
    await page.reload();
    // The host's card says what it was made from and what its last run made.
    const card = page.locator('.host-list li', { hasText: 'pi-garage' });
    expect(await card.innerText()).toContain(`from ${image}`);
    expect(await card.innerText()).toContain(`last image ${join(out, 'pi-garage.img')}`);
    expect(await card.innerText()).not.toContain('no image source yet');
    await page.getByRole('button', { name: 'Provision pi-garage', exact: true }).click();
    expect(await field(page, 'Source image').inputValue()).toBe(image);
    expect(await field(page, 'Write the provisioned image to').inputValue()).toBe(out);
    expect(await field(page, 'SOPS file').inputValue()).toBe(sopsFile);
    expect(await field(page, 'Age key file (optional)').inputValue()).toBe(ageKey);
  });
});

describe('the provisioning wizard says what is wrong at the field', () => {
  it('for host names the contract refuses and a bad Wi-Fi country, never as a bug in the app', async () => {
    const { page, bridge } = session();
    await page.getByRole('button', { name: 'Provision', exact: true }).click();
    const name = field(page, 'Host name');
    const messageOf = async () => {
      expect(await name.getAttribute('aria-invalid')).toBe('true');
      const id = (await name.getAttribute('aria-describedby'))!.split(' ').at(-1)!;
      return page.locator(`[id="${id}"]`).innerText();
    };

    await name.fill('Pi Garage');
    expect(await messageOf()).toMatch(/lower-case letters, digits and "-".*Try “pi-garage”/);
    await name.fill('p'.repeat(64));
    expect(await messageOf()).toMatch(/1–63/);
    await name.fill('');
    expect(await messageOf()).toMatch(/Enter a host name/);
    await field(page, 'Wi-Fi country').fill('D1');
    expect(await field(page, 'Wi-Fi country').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('form').first().innerText()).toMatch(/two-letter code such as DE/);
    await name.fill('Pi Garage');
    await screenshotBothThemes(page, 'provision-host-invalid');
    await name.fill('');

    await page.getByRole('button', { name: 'Save host and continue' }).click();
    expect(await page.locator(':focus').getAttribute('name')).toBe('host-name');
    expect(await page.locator('body').innerText()).not.toMatch(/bug in the app|Invalid request/i);
    expect(bridge.core.hosts.list()).toEqual([]);

    await name.fill('pi-garage');
    expect(await name.getAttribute('aria-invalid')).toBeNull();
  });

  it.each([
    [
      'an HTML page named .img.zst',
      'download.img.zst',
      '<!doctype html><html><body>Not found</body></html>\n',
    ],
    ['a text file', 'notes.txt', 'just some notes\n'],
  ])('for %s as the source image, before Check', async (_what, fileName, content) => {
    const { page, dataDir } = session();
    const file = join(dataDir, fileName);
    await writeFile(file, content);
    await newHost(page);
    const source = field(page, 'Source image');
    await source.fill(file);
    await expect.poll(() => source.getAttribute('aria-invalid')).toBe('true');
    const id = (await source.getAttribute('aria-describedby'))!.split(' ').at(-1)!;
    expect(await page.locator(`[id="${id}"]`).innerText()).toMatch(/not a disk image|no partition table/i);
    if (fileName.endsWith('.zst')) await screenshotBothThemes(page, 'provision-image-refused');

    await field(page, 'Write the provisioned image to').fill(await outputFolder());
    await page.getByRole('button', { name: 'Check' }).click();
    expect(await page.locator(':focus').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByRole('heading', { name: '2. Image and secrets' }).isVisible()).toBe(true);
  });
  it('for the core’s errors about one field: an existing output, an age key that is no key', async () => {
    const { page, dataDir } = session();
    const [image, out] = [await fixtureImage(), await outputFolder()];
    await writeFile(join(out, 'pi-garage.img'), 'an older image');
    const ageKey = join(sopsFixtures, 'age-keys.txt');
    const recipient = (await readFile(ageKey, 'utf8')).match(/public key: (age1\w+)/)![1]!;
    const sopsFile = join(dataDir, 'pi-garage.yaml');
    await writeFile(sopsFile, makeSopsYaml({ wifi_ssid: 'Garage', wifi_psk: 'garage-door-42' }, recipient));
    const notAKey = join(dataDir, 'not-a-key.txt');
    await writeFile(notAKey, 'hello\n');
    const problemAt = async (label: string) => {
      const input = field(page, label);
      await expect.poll(() => input.getAttribute('aria-invalid')).toBe('true');
      const id = (await input.getAttribute('aria-describedby'))!.split(' ').at(-1)!;
      return page.locator(`[id="${id}"]`).innerText();
    };

    await newHost(page);
    await field(page, 'Source image').fill(image);
    await field(page, 'Write the provisioned image to').fill(out);
    await page.getByLabel('From the SOPS file').check();
    await field(page, 'SOPS file').fill(sopsFile);
    await field(page, 'Age key file (optional)').fill(notAKey);
    await page.getByRole('button', { name: 'Check' }).click();
    expect(await problemAt('Write the provisioned image to')).toMatch(/pi-garage\.img/);
    expect(await page.locator(':focus').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Replace the file if it already exists').check();
    await page.getByRole('button', { name: 'Check' }).click();
    expect(await problemAt('Age key file (optional)')).toContain(notAKey);
    expect(await field(page, 'Write the provisioned image to').getAttribute('aria-invalid')).toBeNull();
  });
});

describe('the provisioning wizard leads on', () => {
  it('from the done page to Flash, with the provisioned image chosen', async () => {
    const { page } = session();
    const [image, out] = [await fixtureImage(), await outputFolder()];
    await newHost(page);
    await fillInputs(page, image, out);
    await checkToReview(page);
    await page.getByRole('button', { name: 'Provision', exact: true }).last().click();
    await page.getByRole('button', { name: 'Flash this image' }).click({ timeout: 30_000 });
    await expect.poll(() => field(page, 'Image to flash').inputValue()).toBe(join(out, 'pi-garage.img'));
  });

  it('with the keyboard on the new step’s heading after each step', async () => {
    const { page } = session();
    const focused = () => page.locator(':focus').textContent({ timeout: 1000 });
    const [image, out] = [await fixtureImage(), await outputFolder()];
    await newHost(page);
    await expect.poll(focused).toBe('2. Image and secrets');
    await fillInputs(page, image, out);
    await checkToReview(page);
    await expect.poll(focused).toBe('3. Review');
    await page.getByRole('button', { name: 'Back', exact: true }).click();
    await expect.poll(focused).toBe('2. Image and secrets');
  });
});
