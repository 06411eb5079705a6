import { chmod, link, open, rename, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { FileInfo, PinnedHostKey, ProvisionResult } from '../contract/index.js';
import { Ext4Error, type InjectFile, injectFiles, sniffImageFormat, writeImageTo } from '../image/index.js';
import { describeError } from '../errors.js';
import { ProvisionError } from './provision-errors.js';
import { type Ed25519HostKey, generateEd25519HostKey, pinHostKey } from '../secrets/index.js';
import { holdSecretTemp, type TaskContext } from '../tasks/index.js';
import { BOOTSTRAP_FILES } from './bootstrap-files.js';
import { findRootPartition, type RootPartition } from './find-root-partition.js';
import { buildSdImageWithNix } from './nix-build.js';
import { ageRecipientOf, type ResolvedProvision } from './resolve-provision.js';
import { renderNetworkManagerEnv } from './wifi-credentials.js';

export interface ProvisionImageOptions {
  appKnownHosts: string;
  now?: () => Date;
  /** Saves the outcome (host profile); runs after the image is in place, before the task succeeds. */
  record: (outcome: ProvisionResult) => Promise<void>;
}

/**
 * Makes the provisioned image: source → temp file next to dest → inject → read back and compare every file → fsck →
 * fsync → rename into place. Until the last step nothing exists at dest; on failure or cancel the temp file goes.
 * No whole-image digest: flashing hashes and verifies what it writes itself, and finds the host of a renamed copy by
 * the host key on the card (see findProvisionOnCard), so a second full read here would only cost time.
 */
export async function provisionImage(
  ctx: TaskContext,
  plan: ResolvedProvision,
  options: ProvisionImageOptions,
): Promise<ProvisionResult> {
  if (plan.wifi) ctx.redact(plan.wifi.psk);
  const temp = `${plan.dest}.partial-${randomBytes(4).toString('hex')}`;
  // Journalled before it exists: a kill or a power cut at any later point leaves it for the next start to wipe.
  const releaseTemp = await holdSecretTemp(temp, 'partial-image');
  ctx.setOutcome(`Nothing was written to ${plan.dest}.`);
  let placed = false;
  // Until debugfs starts, the temp image is only the source decompressed: removing it needs no zeroing pass.
  let secretsWritten = false;
  try {
    const sourcePath = await obtainSource(ctx, plan);
    ctx.log(`Writing ${sourcePath} to a temporary file next to ${plan.dest}`);
    const sizeBytes = await decompressToTemp(ctx, sourcePath, temp);

    const root = await findRootPartition(temp);
    ctx.log(`Root file system: partition ${root.index} "${root.label}" at byte ${root.offset}`);
    const hostKey = plan.hostKey ?? generated(ctx, plan.host);
    const files = bootstrapFiles(plan, hostKey);
    ctx.progress({ phase: 'injecting', done: 0, total: files.length, unit: 'items' });
    secretsWritten = true;
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
    // Data first, then the name: a crash leaves either no image at dest or a complete one. Most of it went to disk
    // while it was decompressed (writeBack), so this flushes little more than what debugfs changed.
    await fsyncPath(temp);
    ctx.log(`Image flushed to disk (${sizeBytes} bytes)`);
    // Pin before the image appears at dest: a failure here leaves nothing behind that the app does not know about.
    const pin = await pinKey(plan, hostKey, options, ctx);
    await placeImage(temp, plan.dest, plan.overwrite);
    placed = true;
    await fsyncPath(dirname(plan.dest));
    ctx.log(`Wrote ${plan.dest}`);

    const outcome = provisionOutcome(plan, options, { pin, hostKey, root, sizeBytes, readBack });
    await recordOutcome(plan, options, outcome);
    ctx.setOutcome(
      `${plan.dest} is ready and verified. It is readable only by you (0600): it holds the host's private key` +
        (plan.wifi ? ' and the Wi-Fi password.' : '.'),
    );
    return outcome;
  } catch (error) {
    if (placed) {
      ctx.setOutcome(`${plan.dest} is complete and verified, but the last step failed (see the error).`);
    } else {
      await releaseTemp({ holdsSecrets: secretsWritten }); // zeroes it when it may hold a secret, then unlinks it
      ctx.setOutcome(`Nothing was written to ${plan.dest}; the temporary image was deleted.`);
    }
    throw forUser(error);
  } finally {
    await releaseTemp();
  }
}

/** Decompresses the source into the temp file, unhashed and written back early; returns its size. */
async function decompressToTemp(ctx: TaskContext, sourcePath: string, temp: string): Promise<number> {
  const { bytesWritten } = await writeImageTo({
    source: sourcePath,
    dest: temp,
    signal: ctx.signal,
    // The image changes below, so it is hashed once at the end instead of twice.
    hash: false,
    // fsynced below once injected: most of it can reach the disk while zstd still works.
    writeBack: true,
    onProgress: ({ readBytes, totalBytes }) =>
      ctx.progress({ phase: 'decompressing', done: readBytes, total: totalBytes, unit: 'bytes' }),
  });
  return bytesWritten;
}

function provisionOutcome(
  plan: ResolvedProvision,
  options: ProvisionImageOptions,
  made: {
    pin: PinnedHostKey;
    hostKey: Ed25519HostKey;
    root: RootPartition;
    sizeBytes: number;
    readBack: readonly FileInfo[];
  },
): ProvisionResult {
  const { pin, hostKey, root, sizeBytes, readBack } = made;
  return {
    pin,
    files: readBack.map((f): FileInfo => ({
      path: f.path,
      mode: f.mode,
      uid: f.uid,
      gid: f.gid,
      sha256: f.sha256,
    })),
    record: {
      image: plan.dest,
      sizeBytes,
      at: (options.now ?? (() => new Date()))().toISOString(),
      rootPartitionOffset: root.offset,
      hostKeyFingerprint: hostKey.fingerprint,
      ageRecipient: ageRecipientOf(hostKey),
      // The Wi-Fi file's digest is left out of what is saved: with SSID and layout known, it would let anyone who
      // reads settings.json test password guesses offline, far faster than attacking WPA.
      files: readBack.map((f): FileInfo => ({
        path: f.path,
        mode: f.mode,
        uid: f.uid,
        gid: f.gid,
        sha256: f.path === BOOTSTRAP_FILES.wifiEnv.path ? null : f.sha256,
      })),
    },
  };
}

async function recordOutcome(
  plan: ResolvedProvision,
  options: ProvisionImageOptions,
  outcome: ProvisionResult,
): Promise<void> {
  await options.record(outcome).catch((error: unknown) => {
    throw new ProvisionError(
      'provision-record-failed',
      `${plan.dest} is complete and verified, but saving the result in the app's settings failed: ${describeError(error).message}`,
      'The image is usable. Provision again to record it, or check that the app data folder is writable.',
    );
  });
}

/**
 * Moves the finished image into place. Without overwrite, link(2) refuses an existing dest atomically, so two runs
 * racing for one name cannot both claim it.
 */
async function placeImage(temp: string, dest: string, overwrite: boolean): Promise<void> {
  if (overwrite) {
    await rename(temp, dest);
    return;
  }
  try {
    await link(temp, dest);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    throw new ProvisionError(
      'provision-dest-exists',
      `${dest} appeared while provisioning ran (another run?), so it was left alone.`,
      'Choose another name, or allow replacing it.',
    );
  }
  await unlink(temp);
}

/** Errors from the ext4 layer talk about "the image"; here that copy was deleted and the source never touched. */
function forUser(error: unknown): unknown {
  if (!(error instanceof Ext4Error)) return error;
  return new ProvisionError(
    error.code,
    error.message,
    'The temporary image was deleted and your source image is untouched. Run the provisioning again; if it fails the same way, check the image with e2fsck or rebuild it.',
    { cause: error },
  );
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

async function pinKey(
  plan: ResolvedProvision,
  key: Ed25519HostKey,
  options: ProvisionImageOptions,
  ctx: TaskContext,
): Promise<PinnedHostKey> {
  const hostNames = [plan.host, `${plan.host}.local`];
  const files = [
    options.appKnownHosts,
    ...(plan.pinToUserKnownHosts ? [join(homedir(), '.ssh', 'known_hosts')] : []),
  ];
  for (const file of files) {
    await pinHostKey({ file, hostNames, publicKeyLine: key.publicKeyLine }).catch((error: unknown) => {
      throw new ProvisionError(
        'provision-pin-failed',
        `Could not pin the host key in ${file}: ${describeError(error).message}`,
        'Check that the file and its folder are writable by you (and that ~/.ssh is a folder), then provision again.',
      );
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
