import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { findTool, runTool } from '../tools/index.js';
import { ProvisionError } from './provision-errors.js';

/**
 * Builds the host's sdImage: `nix build <flake>#nixosConfigurations.<host>.config.system.build.sdImage`, with its
 * build log streamed line by line, and returns the image file inside the output path.
 */
export async function buildSdImageWithNix(options: {
  flakeDir: string;
  attribute: string;
  signal: AbortSignal;
  onLine: (line: string) => void;
}): Promise<string> {
  const nix = await findTool('nix');
  const args = [
    '--extra-experimental-features',
    'nix-command flakes',
    'build',
    `${options.flakeDir}#${options.attribute}`,
    '--print-out-paths',
    '--no-link',
    '--print-build-logs',
  ];
  options.onLine(`$ nix ${args.map((a) => (a.includes(' ') ? `'${a}'` : a)).join(' ')}`);
  const result = await runTool(nix, args, {
    cwd: options.flakeDir,
    signal: options.signal,
    onStderrLine: options.onLine,
  });
  if (result.code !== 0) {
    const tail = result.stderr.trim().split('\n').slice(-3).join(' ');
    throw new ProvisionError(
      'nix-build-failed',
      `nix build failed (exit ${result.code ?? result.signal}): ${tail}`,
      'Read the task log for the full build output; `nix build` in the flake folder shows the same error.',
    );
  }
  const outPath = result.stdout.trim().split('\n').at(-1);
  if (!outPath) {
    throw new ProvisionError('nix-build-failed', 'nix build printed no output path.', 'Check the task log.');
  }
  return findImageIn(join(outPath, 'sd-image'));
}

/** The one `*.img`, `*.img.zst`, `*.img.xz` or `*.img.gz` in the sdImage output folder. */
export async function findImageIn(dir: string): Promise<string> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  const images = entries.filter((name) => /\.img(\.(zst|xz|gz))?$/.test(name)).sort();
  if (images.length !== 1) {
    throw new ProvisionError(
      'nix-build-no-image',
      images.length === 0
        ? `The build output has no image in ${dir}.`
        : `The build output has ${images.length} images in ${dir}: ${images.join(', ')}.`,
      'Check that the attribute is the sdImage of a NixOS Raspberry Pi configuration (sd-image-aarch64 module).',
    );
  }
  return join(dir, images[0]!);
}
