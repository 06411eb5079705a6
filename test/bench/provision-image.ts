// Provisioning a 2 GiB .img.zst (realistic content) vs the floor, `zstd -dc in > out` on the same input.
// Prints one JSON line: {"bench","ours","peer","unit","ratio"} (seconds; lower is better).
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from '../../src/core.js';
import { MemoryKeychain } from '../../src/secrets/memory-keychain.js';
import { buildLargeSdImage } from '../fixtures/sd-image.js';

const SIZE = Number(process.env.BENCH_IMAGE_BYTES ?? 2 * 1024 ** 3);
const dir = await mkdtemp(join(tmpdir(), 'bench-provision-'));
try {
  const fixture = await buildLargeSdImage(join(dir, 'fixture'), SIZE);
  const source = fixture.compressedPath!;

  const peerStart = performance.now();
  const peer = spawnSync('sh', ['-c', 'zstd -dc -- "$1" > "$2"', 'sh', source, join(dir, 'peer.img')]);
  const peerSeconds = (performance.now() - peerStart) / 1000;
  if (peer.status !== 0) throw new Error(`zstd failed: ${peer.stderr}`);
  await rm(join(dir, 'peer.img'));

  const core = await createCore({ dataDir: join(dir, 'data'), keychain: new MemoryKeychain() });
  const oursStart = performance.now();
  const { id, result } = await core.provision.start({
    host: 'bench',
    dest: join(dir, 'ours.img'),
    imagePath: source,
    wifiSsid: 'Bench',
    wifiPsk: 'benchmark-psk',
  });
  await result;
  const oursSeconds = (performance.now() - oursStart) / 1000;
  // Where the time went, from the task log's timestamps (stderr, so stdout stays one JSON line).
  const log = await core.tasks.log(id);
  const t0 = Date.parse(log[0]!.at);
  for (const line of log) console.error(`${((Date.parse(line.at) - t0) / 1000).toFixed(2)}s ${line.message}`);
  await core.dispose();

  console.log(
    JSON.stringify({
      bench: `provision-image ${(SIZE / 1024 ** 3).toFixed(1)} GiB .img.zst (decompress+inject+verify+fsck+hash)`,
      ours: Number(oursSeconds.toFixed(2)),
      peer: Number(peerSeconds.toFixed(2)),
      peerName: 'zstd -dc in > out',
      unit: 's',
      ratio: Number((oursSeconds / peerSeconds).toFixed(2)),
    }),
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
