// Provisioning a 2 GiB .img.zst (realistic content) vs the seed's own pipeline on the same input, in the same run:
// `zstd -dc in > out && debugfs -w -f cmds … && e2fsck -fn … && sync -f out` (same injection commands; one check, no
// read-back), and the bare `zstd -dc in > out` for reference. BENCH_ROUNDS rounds (default 3), alternating who goes
// first; BENCH_FIXTURE_DIR keeps the slow-to-build fixture between runs; BENCH_VERBOSE prints our task log. Prints one JSON line (seconds, lower is better).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from '../../src/core.js';
import { MemoryKeychain } from '../helpers/memory-keychain.js';
import { ROOT_OFFSET, buildLargeSdImage } from '../fixtures/sd-image.js';
import { PEER_NAME, runPeer, writePeerScript } from './lib/provision-peer.js';

const SIZE = Number(process.env.BENCH_IMAGE_BYTES ?? 2 * 1024 ** 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const dir = await mkdtemp(join(tmpdir(), 'bench-provision-'));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const round2 = (x: number) => Number(x.toFixed(2));

/** Nothing dirty before a run: a run must not pay for the previous one's write-back. */
const settle = () => spawnSync('sync');

async function fixtureSource(): Promise<string> {
  const keep = process.env.BENCH_FIXTURE_DIR;
  const fixtureDir = keep ?? join(dir, 'fixture');
  const compressed = join(fixtureDir, 'nixos-sd-image-large.img.zst');
  if (keep && existsSync(compressed)) return compressed;
  const fixture = await buildLargeSdImage(fixtureDir, SIZE);
  await rm(fixture.path); // only the .zst is read; the raw copy would sit in the page cache
  return fixture.compressedPath!;
}

/** Seconds between the first log line and the first line matching each phase's end. */
function phases(log: { at: string; message: string }[]): Record<string, number> {
  const t0 = Date.parse(log[0]!.at);
  const at = (pattern: RegExp) => {
    const line = log.find((l) => pattern.test(l.message));
    return line ? (Date.parse(line.at) - t0) / 1000 : NaN;
  };
  const decompressed = at(/^Root file system/);
  const injected = at(/^Wrote and verified/);
  const done = at(/^Wrote \//);
  return {
    decompress: round2(decompressed),
    inject: round2(injected - decompressed),
    finish: round2(done - injected),
  };
}

try {
  const source = await fixtureSource();
  const script = await writePeerScript(join(dir, 'peer-files'));
  const core = await createCore({ dataDir: join(dir, 'data'), keychain: new MemoryKeychain() });
  const ours: number[] = [];
  const peer: number[] = [];
  const bare: number[] = [];
  const runOurs = async (round: number) => {
    const dest = join(dir, `ours-${round}.img`);
    const start = performance.now();
    const { id, result } = await core.provision.start({
      host: `bench${round}`,
      dest,
      imagePath: source,
      wifiSsid: 'Bench',
      wifiPsk: 'benchmark-psk',
    });
    await result;
    ours.push((performance.now() - start) / 1000);
    const log = await core.tasks.log(id);
    console.error(`ours ${ours.at(-1)!.toFixed(2)} s`, JSON.stringify(phases(log)));
    if (process.env.BENCH_VERBOSE) {
      const t0 = Date.parse(log[0]!.at);
      for (const l of log) console.error(`  ${((Date.parse(l.at) - t0) / 1000).toFixed(3)}s ${l.message}`);
    }
    await rm(dest);
  };
  const runPipeline = async () => {
    const out = join(dir, 'peer.img');
    peer.push(runPeer(source, out, script, ROOT_OFFSET));
    console.error(`pipeline ${peer.at(-1)!.toFixed(2)} s`);
    await rm(out);
  };
  for (let round = 0; round < ROUNDS; round++) {
    settle();
    if (round % 2 === 0) await runOurs(round);
    else await runPipeline();
    settle();
    if (round % 2 === 0) await runPipeline();
    else await runOurs(round);
    settle();
    const start = performance.now();
    spawnSync('sh', ['-c', 'zstd -dc -- "$1" > "$2"', 'sh', source, join(dir, 'bare.img')]);
    bare.push((performance.now() - start) / 1000);
    await rm(join(dir, 'bare.img'));
  }
  await core.dispose();

  const oursMedian = median(ours);
  const peerMedian = median(peer);
  console.log(
    JSON.stringify({
      bench: `provision-image ${(SIZE / 1024 ** 3).toFixed(1)} GiB .img.zst (decompress+inject+read-back+2×fsck+fsync)`,
      ours: round2(oursMedian),
      peer: round2(peerMedian),
      peerName: PEER_NAME,
      unit: 's',
      ratio: round2(oursMedian / peerMedian),
      runs: { ours: ours.map(round2), peer: peer.map(round2), bareZstd: bare.map(round2) },
    }),
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
