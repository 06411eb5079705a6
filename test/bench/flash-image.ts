// Flashing a 2 GiB .img.zst onto a loop device vs the classic pipeline `zstd -dc | dd oflag=direct conv=fsync` (write
// only) on the same input and device, in the same run. Needs root (losetup). Prints one JSON line (MB/s; higher is better).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, open, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeImageToDevice } from '../../src/flash/write/write-image-to-device.js';
import { buildLargeSdImage } from '../fixtures/sd-image.js';

const SIZE = Number(process.env.BENCH_IMAGE_BYTES ?? 2 * 1024 ** 3);
const dir = await mkdtemp(join(tmpdir(), 'bench-flash-'));
let loop = '';
try {
  const fixture = await buildLargeSdImage(join(dir, 'fixture'), SIZE);
  const source = fixture.compressedPath!;
  const backing = join(dir, 'card.img');
  await writeFile(backing, '');
  await truncate(backing, fixture.imageSize + 256 * 1024 * 1024);
  loop = execFileSync('losetup', ['--find', '--show', backing], { encoding: 'utf8' }).trim();
  // Both runs start from the same state: source in the page cache, nothing dirty.
  const settle = () => spawnSync('sync');
  // Every run overwrites blocks the backing file already has: the first writer to a sparse file would otherwise
  // also pay for allocating them, and whoever ran first would look slower.
  spawnSync('dd', ['if=/dev/zero', `of=${loop}`, 'bs=4M', 'oflag=direct', 'conv=fsync', 'status=none']);
  settle();

  const peerStart = performance.now();
  const peer = spawnSync('sh', [
    '-c',
    'zstd -dc -- "$1" | dd of="$2" bs=4M oflag=direct conv=fsync status=none',
    'sh',
    source,
    loop,
  ]);
  const peerSeconds = (performance.now() - peerStart) / 1000;
  if (peer.status !== 0) throw new Error(`zstd | dd failed: ${peer.stderr}`);
  const peerMBps = fixture.imageSize / peerSeconds / 1e6;
  console.error(
    `peer: zstd -dc | dd oflag=direct conv=fsync: ${peerSeconds.toFixed(2)} s, ${peerMBps.toFixed(0)} MB/s`,
  );
  settle();

  // dd without iflag=fullblock writes whatever one read of the pipe returned (64 KiB), so the plain peer issues
  // small direct writes; the fair peer assembles whole 4 MiB blocks first. Both are reported.
  const fullStart = performance.now();
  const full = spawnSync('sh', [
    '-c',
    'zstd -dc -- "$1" | dd of="$2" bs=4M iflag=fullblock oflag=direct conv=fsync status=none',
    'sh',
    source,
    loop,
  ]);
  const fullSeconds = (performance.now() - fullStart) / 1000;
  if (full.status !== 0) throw new Error(`zstd | dd iflag=fullblock failed: ${full.stderr}`);
  const fullMBps = fixture.imageSize / fullSeconds / 1e6;
  console.error(
    `peer 2: zstd -dc | dd iflag=fullblock oflag=direct: ${fullSeconds.toFixed(2)} s, ${fullMBps.toFixed(0)} MB/s`,
  );
  settle();

  // As the privileged writer runs it: the image read through the descriptor the user opened.
  const sourceHandle = await open(source, 'r');
  const result = await writeImageToDevice({
    source,
    sourceFd: sourceHandle.fd,
    devices: [loop],
    log: (line) => console.error(`ours: ${line}`),
  });
  await sourceHandle.close();
  if (result.sourceSha256 !== fixture.sha256) throw new Error('flashed image hash differs from the fixture');
  const oursMBps = result.bytesWritten / result.writeSeconds / 1e6;
  const verifyMBps = result.bytesWritten / result.verifySeconds / 1e6;
  console.log(
    JSON.stringify({
      bench: `flash-image ${(fixture.imageSize / 1024 ** 3).toFixed(1)} GiB .img.zst to a loop device (write; verify separately)`,
      ours: Number(oursMBps.toFixed(0)),
      peer: Number(peerMBps.toFixed(0)),
      peerName: 'zstd -dc | dd bs=4M oflag=direct conv=fsync',
      unit: 'MB/s',
      ratio: Number((oursMBps / peerMBps).toFixed(2)),
      verifyMBps: Number(verifyMBps.toFixed(0)),
      fullBlockPeer: Number(fullMBps.toFixed(0)),
      fullBlockPeerName: 'zstd -dc | dd bs=4M iflag=fullblock oflag=direct conv=fsync',
      fullBlockRatio: Number((oursMBps / fullMBps).toFixed(2)),
    }),
  );
} finally {
  if (loop) spawnSync('losetup', ['-d', loop]);
  await rm(dir, { recursive: true, force: true });
}
