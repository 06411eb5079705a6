import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { clientKey } from '../fixtures/provisioned-pi.js';
import { useAppSessions } from './harness.js';

/** Reload during a run: Provision and First boot show the run that goes on, not an empty form for its host. */
const session = useAppSessions();
const originalPath = process.env.PATH;
afterEach(() => {
  process.env.PATH = originalPath;
});

describe('a page opened while its task runs', () => {
  it('Provision shows the running provisioning of its host after a reload', async () => {
    const { page, bridge, dataDir } = session();
    // A stand-in nix that takes its time, so the run is certain to be going when the page comes back.
    const bin = join(dataDir, 'slow-nix');
    await mkdir(bin);
    await writeFile(join(bin, 'nix'), '#!/bin/sh\necho "building sd image" >&2\nsleep 60\n');
    await chmod(join(bin, 'nix'), 0o755);
    process.env.PATH = `${bin}:${originalPath}`;
    const flake = join(dataDir, 'flake');
    await mkdir(flake);
    await writeFile(join(flake, 'flake.nix'), '{ }\n');
    await bridge.core.hosts.save({ name: 'pi-garage', flakeDir: flake });
    const run = await bridge.core.provision.start({
      host: 'pi-garage',
      dest: join(dataDir, 'out.img'),
      flakeDir: flake,
      noWifi: true,
    });
    try {
      await page.reload();
      await page.getByRole('heading', { level: 2, name: '4. Provision' }).waitFor({ timeout: 10_000 });
      expect(await page.locator('.page-slot:not([hidden])').innerText()).toMatch(/flake/);
    } finally {
      bridge.core.tasks.cancel(run.id);
      await run.result.catch(() => undefined);
    }
  });

  it('First boot shows the running search for its Pi and its live report after a reload', async () => {
    const { page, bridge, dataDir } = session();
    const client = await clientKey(dataDir);
    await bridge.core.hosts.save({ name: 'pi', access: { identityFile: client.file } });
    // Nothing listens on port 9 of 127.0.0.1: the run keeps looking until cancelled.
    const run = await bridge.core.firstBoot.start({
      host: 'pi',
      address: '127.0.0.1:9',
      timeoutSeconds: 120,
    });
    try {
      await page.reload();
      await page.getByRole('button', { name: 'First boot', exact: true }).click();
      await page.getByRole('heading', { level: 2, name: 'First boot of pi' }).waitFor({ timeout: 10_000 });
      await expect
        .poll(
          () =>
            page
              .getByText(/127\.0\.0\.1:9/)
              .first()
              .isVisible(),
          { timeout: 15_000 },
        )
        .toBe(true);
    } finally {
      bridge.core.tasks.cancel(run.id);
      await run.result.catch(() => undefined);
    }
  });
});
