import { spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { clientKey, provisionPi, startPi } from '../fixtures/provisioned-pi.js';
import type { TestSshd } from '../fixtures/test-sshd.js';
import { screenshotBothThemes, useAppSessions } from './harness.js';

const session = useAppSessions();
const running: TestSshd[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((sshd) => sshd.stop()));
});

/** Provisions `pi` through the core and starts a real sshd on 127.0.0.1 with `hostKeyFrom`'s key (default: its own). */
async function bootPi(other = false) {
  const { dataDir, bridge } = session();
  const pi = await provisionPi(bridge.core, dataDir);
  const profile = bridge.core.hosts.get('pi')!;
  await bridge.core.hosts.save({
    name: 'pi',
    flakeDir: '/srv/infra',
    imagePath: profile.imagePath,
    sopsFile: null,
    wifiCountry: null,
  });
  const client = await clientKey(dataDir);
  let key = pi;
  if (other) {
    const file = join(dataDir, 'other-host-key');
    spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
    key = {
      ...pi,
      hostKey: await readFile(file, 'utf8'),
      publicLine: (await readFile(`${file}.pub`, 'utf8')).trim(),
    };
  }
  const sshd = await startPi(key, client.publicLine);
  running.push(sshd);
  await sshd.ready;
  return { pi, client, sshd };
}

/** A nixos-rebuild stand-in: prints its argv, then uses NIX_SSHOPTS the way nixos-rebuild does to reach the Pi. */
async function fakeNixosRebuild(dir: string, keyFile: string): Promise<void> {
  const bin = join(dir, 'bin');
  await mkdir(bin, { recursive: true });
  await writeFile(
    join(bin, 'nixos-rebuild'),
    [
      '#!/bin/sh',
      'echo "nixos-rebuild $*"',
      'while [ $# -gt 0 ]; do [ "$1" = --target-host ] && target=$2; shift; done',
      `ssh $NIX_SSHOPTS -o BatchMode=yes -i ${keyFile} "$target" echo deployed via pinned key`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  process.env.PATH = `${bin}:${originalPath}`;
}

const originalPath = process.env.PATH;
afterEach(() => {
  process.env.PATH = originalPath;
});

async function startFirstBoot(address: string, keyFile: string) {
  const { page } = session();
  await page.getByRole('button', { name: 'First boot', exact: true }).click();
  await page.getByRole('button', { name: 'First boot of pi' }).click();
  await page.getByLabel('Address (optional)').fill(address);
  await page.getByLabel('SSH key (empty: use your SSH agent)', { exact: true }).fill(keyFile);
}

describe('the first-boot wizard', () => {
  it('finds the Pi, shows it is the pinned one, passes the checks and offers the next steps', async () => {
    const { pi, client, sshd } = await bootPi();
    const { page, bridge } = session();
    await startFirstBoot(`127.0.0.1:${sshd.port}`, client.file);
    await page.getByLabel('Check name').fill('Kernel answers');
    await page.getByLabel('Command', { exact: true }).fill('uname -s');
    await page.getByLabel('Output must contain (optional)').fill('Linux');
    await page.getByRole('button', { name: 'Add check' }).click();
    await fakeNixosRebuild(session().dataDir, client.file);
    await page.getByRole('button', { name: 'Start looking for pi' }).click();

    const passed = page.locator('[data-outcome="passed"]');
    await passed.waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-trust="match"]').innerText()).toContain(pi.fingerprint);
    const rows = page.getByRole('table', { name: 'Checks' }).locator('tbody tr');
    expect(await rows.count()).toBe(4);
    expect(await page.locator('tr[data-status="pass"]').count()).toBe(4);
    expect(await page.getByRole('table', { name: 'Checks' }).innerText()).toContain('Kernel answers');
    expect(await page.getByLabel('Age recipient').innerText()).toBe(
      bridge.core.hosts.get('pi')!.pinnedHostKey!.ageRecipient,
    );
    // The saved profile carries the check and the connection settings, no secret.
    expect(bridge.core.hosts.get('pi')).toMatchObject({
      access: { address: `127.0.0.1:${sshd.port}`, identityFile: client.file },
      checks: [{ kind: 'command', name: 'Kernel answers', command: 'uname -s', expectOutput: 'Linux' }],
    });

    // One click deploys: a stand-in nixos-rebuild on PATH shows it got the flake, the target and ssh options under
    // which ssh reaches this very Pi with the pinned key only.
    await page.getByRole('button', { name: 'Deploy now' }).click();
    const output = page.locator('.next-steps .xterm-rows');
    await expect.poll(() => output.innerText(), { timeout: 15_000 }).toContain('deployed via pinned key');
    expect(await output.innerText()).toContain(`switch --flake /srv/infra#pi --target-host root@127.0.0.1`);
    await page.getByText('Deployed.').waitFor();
    await screenshotBothThemes(page, 'first-boot', { fullPage: true });
  });

  it('stops loudly on a host key that is not the pinned one and never logs in', async () => {
    const { pi, client, sshd } = await bootPi(true);
    const { page } = session();
    await startFirstBoot(`127.0.0.1:${sshd.port}`, client.file);
    await page.getByRole('button', { name: 'Start looking for pi' }).click();

    const alert = page.locator('[data-trust="mismatch"]');
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.innerText()).toMatch(/not the Pi you provisioned/);
    expect(await page.getByTestId('mismatch-hint').innerText()).toMatch(/provision and flash again/);
    expect(await alert.innerText()).not.toContain(pi.fingerprint);
    await page.getByRole('button', { name: 'Show both fingerprints' }).click();
    expect(await alert.innerText()).toContain(pi.fingerprint);
    await screenshotBothThemes(page, 'first-boot-mismatch');
    expect(await page.getByRole('table', { name: 'Checks' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Trust / }).count()).toBe(0);
    expect(await sshd.authAttempts()).toEqual([]);
  });

  it('shows the key of a host it never pinned, and trusts it only when asked', async () => {
    const { page, bridge, dataDir } = session();
    await bridge.core.hosts.save({
      name: 'pi',
      flakeDir: null,
      imagePath: null,
      sopsFile: null,
      wifiCountry: null,
    });
    const file = join(dataDir, 'stranger-host-key');
    spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
    const key = {
      hostKey: await readFile(file, 'utf8'),
      publicLine: (await readFile(`${file}.pub`, 'utf8')).trim(),
    };
    const fingerprint = spawnSync('ssh-keygen', ['-lf', `${file}.pub`])
      .stdout.toString()
      .split(' ')[1]!;
    const client = await clientKey(dataDir);
    const sshd = await startPi(key, client.publicLine);
    running.push(sshd);
    await sshd.ready;

    await startFirstBoot(`127.0.0.1:${sshd.port}`, client.file);
    await page.getByRole('button', { name: 'Start looking for pi' }).click();
    const unpinned = page.locator('[data-trust="unpinned"]');
    await unpinned.waitFor({ timeout: 30_000 });
    expect(await unpinned.innerText()).toContain(fingerprint);
    expect(await sshd.authAttempts()).toEqual([]);
    expect(bridge.core.hosts.get('pi')?.pinnedHostKey).toBeNull();

    await page.getByRole('button', { name: `Trust ${fingerprint} and continue` }).click();
    await page.locator('[data-outcome="passed"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-trust="match"]').innerText()).toContain(fingerprint);
    expect(bridge.core.hosts.get('pi')?.pinnedHostKey?.fingerprint).toBe(fingerprint);
  });
});
