// `npm run companion -- <args>`: the CLI from a source checkout. Builds dist/ first when it is missing or older than
// any source file, so a fresh clone needs no separate build step.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const bundle = 'dist/cli/companion.cjs';
const sources = ['src', 'resources', 'package.json', 'scripts/build.mjs'];

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function bundleIsStale() {
  try {
    const built = statSync(bundle).mtimeMs;
    return sources.some((source) => newestMtime(source) > built);
  } catch {
    return true;
  }
}

if (bundleIsStale()) {
  process.stderr.write('Building the companion CLI (dist/ is missing or older than the sources)…\n');
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const cli = spawnSync(process.execPath, [bundle, ...process.argv.slice(2)], { stdio: 'inherit' });
if (cli.signal) process.kill(process.pid, cli.signal);
process.exit(cli.status ?? 1);
