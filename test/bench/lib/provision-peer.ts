// The seed's own provisioning pipeline, as a shell user would run it: decompress, inject the same files with the same
// debugfs commands, check once, flush. The bench's peer for `provision-image`.
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { injectionCommands, planInjection } from '../../../src/image/ext4/inject-plan.js';
import type { InjectFile } from '../../../src/image/ext4/ext4-types.js';
import { BOOTSTRAP_FILES } from '../../../src/provision/bootstrap-files.js';
import { renderNetworkManagerEnv } from '../../../src/provision/wifi-credentials.js';
import { generateEd25519HostKey } from '../../../src/secrets/ssh-host-key.js';

export const PEER_NAME =
  "zstd -dc in > out && debugfs -w -f cmds 'out?offset=N' && e2fsck -fn 'out?offset=N' && sync -f out";

/** Writes the content files and the debugfs script (the files `provision` injects) into `dir`; returns the script. */
export async function writePeerScript(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const key = generateEd25519HostKey('root@bench');
  const wifi = { ssid: 'Bench', psk: 'benchmark-psk', country: null };
  const files: InjectFile[] = [
    { ...BOOTSTRAP_FILES.hostKey, content: Buffer.from(key.privateKeyText) },
    { ...BOOTSTRAP_FILES.hostKeyPub, content: Buffer.from(`${key.publicKeyLine}\n`) },
    { ...BOOTSTRAP_FILES.wifiEnv, content: Buffer.from(renderNetworkManagerEnv(wifi)) },
  ];
  const hostPaths = files.map((_, i) => join(dir, `file-${i}`));
  await Promise.all(files.map((file, i) => writeFile(hostPaths[i]!, file.content, { mode: 0o600 })));
  // The fixture has no /var, as NixOS images have none before first boot: every parent is created.
  const missing = new Map(
    ['/var', '/var/lib', '/var/lib/bootstrap', '/var/lib/networkmanager', ...files.map((f) => f.path)].map(
      (path) => [path, null] as const,
    ),
  );
  const { prepare, write } = injectionCommands(planInjection(files, missing), files, hostPaths, 'full-path');
  const script = join(dir, 'cmds');
  await writeFile(script, [...prepare, ...write].join('\n') + '\n');
  return script;
}

/** Runs the pipeline; returns its wall time in seconds. Throws unless every step succeeded and e2fsck is clean. */
export function runPeer(source: string, out: string, script: string, offset: number): number {
  const start = performance.now();
  const peer = spawnSync('sh', [
    '-c',
    'zstd -dc -- "$1" > "$2" && debugfs -w -f "$3" "$2?offset=$4" && e2fsck -fn "$2?offset=$4" && sync -f "$2"',
    'sh',
    source,
    out,
    script,
    String(offset),
  ]);
  const seconds = (performance.now() - start) / 1000;
  if (peer.status !== 0) throw new Error(`the pipeline failed (exit ${peer.status}): ${peer.stderr}`);
  if (/error|failed/i.test(peer.stderr.toString()))
    throw new Error(`debugfs reported an error: ${peer.stderr}`);
  return seconds;
}
