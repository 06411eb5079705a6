import { chmod, open, rename, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { FileInfo, PinnedHostKey, ProvisionRecord } from '../contract/index.js';
import { sha256OfFile } from '../image/decompress-image-follow.js';
import { writeImageTo } from '../image/decompress-image.js';
import { sniffImageFormat } from '../image/image-format.js';
import { injectFiles, type InjectFile } from '../image/ext4/inject-files.js';
import { pinHostKey } from '../secrets/known-hosts.js';
import { generateEd25519HostKey, type Ed25519HostKey } from '../secrets/ssh-host-key.js';
import type { TaskContext } from '../tasks/task-manager.js';
import { BOOTSTRAP_FILES } from './bootstrap-files.js';
import { findRootPartition } from './find-root-partition.js';
import { buildSdImageWithNix } from './nix-build.js';
import { ageRecipientOf, type ResolvedProvision } from './resolve-provision.js';
import { renderNetworkManagerEnv } from './wifi-credentials.js';

export interface ProvisionOutcome {
  record: ProvisionRecord;
  pin: PinnedHostKey;
}

/**
 * Makes the provisioned image: source → temp file next to dest → inject → read back and compare every file → fsck →
 * hash → rename into place. Until the last step nothing exists at dest; on failure or cancel the temp file goes.
 */
export async function provisionImage(
  ctx: TaskContext,
  plan: ResolvedProvision,
  options: { appKnownHosts: string; now?: () => Date },
): Promise<ProvisionOutcome> {
  if (plan.wifi) ctx.redact(plan.wifi.psk);
  const temp = `${plan.dest}.partial-${randomBytes(4).toString('hex')}`;
  ctx.setOutcome(`Nothing was written to ${plan.dest}.`);
  try {
    const sourcePath = await obtainSource(ctx, plan);
    ctx.log(`Writing ${sourcePath} to a temporary file next to ${plan.dest}`);
    await writeImageTo({
      source: sourcePath,
      dest: temp,
      signal: ctx.signal,
      // The image changes below, so it is hashed once at the end instead of twice.
      hash: false,
      onProgress: ({ readBytes, totalBytes }) =>
        ctx.progress({ phase: 'decompressing', done: readBytes, total: totalBytes, unit: 'bytes' }),
    });

    const root = await findRootPartition(temp);
    ctx.log(`Root file system: partition ${root.index} "${root.label}" at byte ${root.offset}`);
    const hostKey = plan.hostKey ?? generated(ctx, plan.host);
    const files = bootstrapFiles(plan, hostKey);
    ctx.progress({ phase: 'injecting', done: 0, total: files.length, unit: 'items' });
    // injectFiles proves its work before it returns: e2fsck before and after, every file read back and compared.
    const readBack = await injectFiles({
      image: temp,
      offset: root.offset,
      files,
      signal: ctx.signal,
      log: (line) => ctx.log(line),
    });
    ctx.progress({ phase: 'injecting', done: files.length, total: files.length, unit: 'items' });

    await chmod(temp, 0o600);
    // Data first, then the name: a crash leaves either no image at dest or a complete one. The flush to disk and the
    // hash (CPU) overlap, since the image no longer changes.
    const [{ sha256, sizeBytes }] = await Promise.all([hashFile(temp, ctx), fsyncPath(temp)]);
    await rename(temp, plan.dest);
    await fsyncPath(dirname(plan.dest));
    ctx.log(`Wrote ${plan.dest} (${sizeBytes} bytes, sha256 ${sha256})`);

    const pin = await pinKey(plan, hostKey, options, ctx);
    const record: ProvisionRecord = {
      image: plan.dest,
      sha256,
      sizeBytes,
      at: (options.now ?? (() => new Date()))().toISOString(),
      rootPartitionOffset: root.offset,
      hostKeyFingerprint: hostKey.fingerprint,
      ageRecipient: pin.ageRecipient,
      files: readBack.map((f): FileInfo => ({
        path: f.path,
        mode: f.mode,
        uid: f.uid,
        gid: f.gid,
        sha256: f.sha256 ?? '',
      })),
    };
    ctx.setOutcome(
      `${plan.dest} is ready and verified. It is readable only by you (0600): it holds the host's private key` +
        (plan.wifi ? ' and the Wi-Fi password.' : '.'),
    );
    return { record, pin };
  } catch (error) {
    await rm(temp, { force: true });
    ctx.setOutcome(`Nothing was written to ${plan.dest}; the temporary image was deleted.`);
    throw error;
  }
}

async function obtainSource(ctx: TaskContext, plan: ResolvedProvision): Promise<string> {
  if (plan.source.kind === 'file') return plan.source.path;
  ctx.progress({ phase: 'building', done: 0, total: null, unit: 'steps' });
  const image = await buildSdImageWithNix({
    flakeDir: plan.source.flakeDir,
    attribute: plan.source.attribute,
    signal: ctx.signal,
    onLine: (line) => ctx.log(line),
  });
  ctx.log(`Built ${image} (${await sniffImageFormat(image)})`);
  return image;
}

function generated(ctx: TaskContext, host: string): Ed25519HostKey {
  const key = generateEd25519HostKey(`root@${host}`);
  ctx.log(`Generated a new ed25519 host key ${key.fingerprint}`);
  return key;
}

function bootstrapFiles(plan: ResolvedProvision, key: Ed25519HostKey): InjectFile[] {
  const files: InjectFile[] = [
    { ...BOOTSTRAP_FILES.hostKey, content: Buffer.from(key.privateKeyText, 'utf8') },
    { ...BOOTSTRAP_FILES.hostKeyPub, content: Buffer.from(`${key.publicKeyLine}\n`, 'utf8') },
  ];
  if (plan.wifi)
    files.push({ ...BOOTSTRAP_FILES.wifiEnv, content: Buffer.from(renderNetworkManagerEnv(plan.wifi)) });
  return files;
}

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function hashFile(path: string, ctx: TaskContext): Promise<{ sha256: string; sizeBytes: number }> {
  const { sha256, size } = await sha256OfFile(path, {
    signal: ctx.signal,
    onProgress: (done, total) => ctx.progress({ phase: 'hashing', done, total, unit: 'bytes' }),
  });
  return { sha256, sizeBytes: size };
}

async function pinKey(
  plan: ResolvedProvision,
  key: Ed25519HostKey,
  options: { appKnownHosts: string; now?: () => Date },
  ctx: TaskContext,
): Promise<PinnedHostKey> {
  const hostNames = [plan.host, `${plan.host}.local`];
  await pinHostKey({ file: options.appKnownHosts, hostNames, publicKeyLine: key.publicKeyLine });
  if (plan.pinToUserKnownHosts) {
    await pinHostKey({
      file: join(homedir(), '.ssh', 'known_hosts'),
      hostNames,
      publicKeyLine: key.publicKeyLine,
    });
  }
  ctx.log(`Pinned ${key.fingerprint} for ${hostNames.join(', ')}`);
  return {
    publicKeyLine: key.publicKeyLine,
    fingerprint: key.fingerprint,
    ageRecipient: ageRecipientOf(key),
    pinnedAt: (options.now ?? (() => new Date()))().toISOString(),
  };
}
