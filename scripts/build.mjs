// Builds every face: Electron main + preload and the CLI with esbuild, the renderer with Vite.
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { chmod, rm } from 'node:fs/promises';

const nativeOrElectron = ['electron', 'keytar', 'node-pty', 'ssh2', 'cpu-features'];
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
};
// import.meta.url has no meaning in a CJS bundle; point it at the bundle file so createRequire keeps working.
const importMetaUrl = {
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
};

await rm('dist', { recursive: true, force: true });
await Promise.all([
  esbuild({
    ...common,
    ...importMetaUrl,
    entryPoints: ['main/main.ts'],
    outfile: 'dist/main/main.cjs',
    external: nativeOrElectron,
  }),
  // A sandboxed preload can require only 'electron': everything else (zod, the contract) is bundled in.
  esbuild({
    ...common,
    entryPoints: ['main/preload.ts'],
    outfile: 'dist/main/preload.cjs',
    external: ['electron'],
  }),
  esbuild({
    ...common,
    ...importMetaUrl,
    entryPoints: ['src/cli/companion.ts'],
    outfile: 'dist/cli/companion.cjs',
    external: nativeOrElectron,
    banner: { js: `#!/usr/bin/env node\n${importMetaUrl.banner.js}` },
  }),
  // The privileged flash writer: run as root by resources/bin/companion-flash-writer, outside the asar.
  esbuild({
    ...common,
    ...importMetaUrl,
    entryPoints: ['src/flash/elevate/privileged-writer-main.ts'],
    outfile: 'dist/helper/companion-flash-writer.cjs',
    // Nothing external: it runs outside the asar with no node_modules beside it.
  }),
  viteBuild({ configFile: 'vite.config.ts', logLevel: 'warn' }),
]);
await chmod('dist/cli/companion.cjs', 0o755);
console.log('built dist/main, dist/cli, dist/helper, dist/renderer');
