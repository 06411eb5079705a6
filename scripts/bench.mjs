// `npm run bench`: runs each test/bench/*.ts (optionally only those whose name contains argv[2]) one after another —
// never in parallel, they measure the same disk and cores. Each bench prints one JSON line:
// {"bench", "ours", "peer", "unit", "ratio"}.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const filter = process.argv[2] ?? '';
const benches = readdirSync('test/bench')
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts') && file.includes(filter))
  .sort();
if (benches.length === 0) {
  console.error(`no benchmarks under test/bench match "${filter}"`);
  process.exit(1);
}
// Inside the project so the bundles' bare imports resolve from node_modules.
const outDir = join('node_modules', '.cache', 'companion-bench');
mkdirSync(outDir, { recursive: true });
let failed = 0;
try {
  for (const file of benches) {
    const outfile = join(outDir, file.replace(/\.ts$/, '.mjs'));
    await build({
      entryPoints: [join('test/bench', file)],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      logLevel: 'warning',
    });
    const result = spawnSync(process.execPath, [outfile], { stdio: 'inherit' });
    if (result.status !== 0) {
      console.error(`${file} failed (exit ${result.status})`);
      failed++;
    }
  }
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
