// Builds every face: Electron main + preload and the CLI with esbuild, the renderer with Vite.
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { existsSync } from 'node:fs';
import { chmod, rm } from 'node:fs/promises';
import path from 'node:path';

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

// The core's modules run nothing when imported, so a bundle keeps only what it uses of a domain's face (its
// index.ts); without this the root writer would carry the SOPS, age and keychain code the faces also export.
const coreModulesArePure = {
  name: 'core-modules-are-pure',
  setup(build) {
    const src = path.resolve('src') + path.sep;
    build.onResolve({ filter: /^\.\.?\/.*\.js$/ }, (args) => {
      const file = path.resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'));
      return file.startsWith(src) && existsSync(file) ? { path: file, sideEffects: false } : undefined;
    });
  },
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
    plugins: [coreModulesArePure],
    // Nothing external: it runs outside the asar with no node_modules beside it.
  }),
  viteBuild({ configFile: 'vite.config.ts', logLevel: 'warn' }),
]);
await chmod('dist/cli/companion.cjs', 0o755);
console.log('built dist/main, dist/cli, dist/helper, dist/renderer');
