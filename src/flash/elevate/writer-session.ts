import { stat } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { CancelledError, describeError } from '../../errors.js';
import { listDrives } from '../drives/list-drives.js';
import { assertDistinctDisks } from '../drives/same-disk.js';
import { FlashError } from '../flash-errors.js';
import { type DeviceIdentity, identityOf } from '../write/device-identity.js';
import { writeImageToDevice } from '../write/write-image-to-device.js';
import { readLines } from './line-stream.js';
import { asUser } from './as-user.js';
import { openSourceAsUser } from './checked-source.js';
import { assertDiskNotInUse } from './disk-in-use.js';
import { namedDiskOf } from './named-disk.js';
import { assertDeviceAllowed, findInvokingUser, type InvokingUser, writerScopeOf } from './writer-guards.js';
import {
  decodeControl,
  decodeRequest,
  encodeLine,
  type WriterEvent,
  type WriterRequest,
  WriterProtocolError,
} from './writer-protocol.js';

/**
 * Whom decompressors run as when root itself asked (no invoking user): nobody. They need no file access (they read
 * the checked descriptor as stdin and write an inherited pipe), so a flaw in zstd/xz never runs as root.
 */
const UNPRIVILEGED = process.platform === 'darwin' ? { uid: -2, gid: -2 } : { uid: 65534, gid: 65534 };

export interface WriterSessionIo {
  input: Readable;
  output: Writable;
  env: NodeJS.ProcessEnv;
  /** macOS: the owner of the app-made pipes (fstat of the opened pipes), who is the invoking user. */
  pipeOwner: number | null;
  /** A signal to this process (Ctrl-C in the terminal that ran the sudo command): stop like a cancel. */
  signal?: AbortSignal;
  /** Test hook: runs once every check passed, before any device is opened. */
  afterCheck?: () => Promise<void>;
}

/** How long the app has to send its request before the writer gives up (a stuck or foreign caller). */
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * One privileged write, start to finish: read the request, check it again as root, write, report. Resolves with the
 * process exit code (0 written, 1 failed or cancelled); every outcome is also one final done/error line.
 */
export async function runWriterSession(io: WriterSessionIo): Promise<number> {
  const emit = (event: WriterEvent) =>
    new Promise<void>((resolve) => io.output.write(encodeLine(event), () => resolve()));
  const abort = new AbortController();
  io.signal?.addEventListener('abort', () => abort.abort(), { once: true });
  let request: WriterRequest | null = null;
  const gotRequest = new Promise<WriterRequest>((resolve, reject) => {
    const timer = setTimeout(() => fail(new WriterProtocolError('no request arrived')), REQUEST_TIMEOUT_MS);
    const fail = (error: unknown) => {
      clearTimeout(timer);
      abort.abort();
      reject(error);
    };
    readLines(io.input, {
      onLine: (line) => {
        if (request === null) {
          try {
            request = decodeRequest(line);
            clearTimeout(timer);
            resolve(request);
          } catch (error) {
            fail(error);
          }
          return;
        }
        // Anything after the request but a valid cancel is treated as one too: stopping is always safe.
        try {
          decodeControl(line);
        } catch {
          /* still a reason to stop */
        }
        abort.abort();
      },
      onError: fail,
      // EOF: the app quit or was killed; nobody is left to want the card, so stop. A terminal command's stdin ends
      // right after its request (`detached`): there Ctrl-C is the way to stop.
      onEnd: () => {
        if (request === null) fail(new CancelledError('No request arrived.'));
        else if (!request.detached) abort.abort();
      },
    });
  });
  try {
    const accepted = await gotRequest;
    const { source, devices, verify } = accepted;
    const { checked, approved, loops, user, authority } = await checkRequest(source, devices, io);
    const disk = authority.disk;
    try {
      await io.afterCheck?.();
      await emit({
        log: `Writing ${checked.realPath} to ${devices.join(', ')} as root (checked by the writer itself; source ${checked.pinned}; authorized for ${authority.scope === 'internal' && disk ? `the internal disk ${disk.name} (${disk.sizeBytes} bytes)` : 'removable cards only'})`,
      });
      const result = await writeImageToDevice({
        source: checked.path,
        sourceFd: checked.fd,
        // Never measured here: that would run zstd/xz -l as root. A caller that sent none gets no early size check.
        expectedSize: accepted.expectedSize ?? null,
        decompressAs: user ?? UNPRIVILEGED,
        devices,
        approvedDevices: approved,
        // A loop keeps its device number when set up again over another file; open, it can no longer be re-pointed.
        afterOpen: async (device) => {
          if (loops.has(device)) await assertDeviceAllowed(device, checked.realPath, null, authority);
        },
        verify,
        signal: abort.signal,
        onProgress: ({ phase, done, total }) => void emit({ progress: { phase, done, total } }),
        log: (line) => void emit({ log: line }),
      });
      await emit({ done: result });
      return 0;
    } finally {
      await checked.close();
    }
  } catch (error) {
    await emit({ error: describeError(error) });
    return 1;
  }
}

/**
 * Every device is checked before the first byte goes anywhere: one refused device refuses the whole request. Each
 * device's stat is taken before the policy looks at it; the write later refuses a descriptor that leads elsewhere.
 */
async function checkRequest(source: string, devices: readonly string[], io: WriterSessionIo) {
  assertDistinctDisks(devices);
  const user = findInvokingUser(io.env, io.pipeOwner);
  const authority = { scope: writerScopeOf(io.env), disk: namedDiskOf(io.env), user };
  const approved = new Map<string, DeviceIdentity>();
  for (const device of devices) approved.set(device, await assertDiskDevice(device, user));
  const checked = await openSourceAsUser(source, user);
  try {
    const drives = await listDrives();
    const loops = new Set<string>();
    for (const device of devices) {
      if ((await assertDeviceAllowed(device, checked.realPath, drives, authority)).bus === 'loop')
        loops.add(device);
      await assertDiskNotInUse(device);
    }
    return { checked, approved, loops, user, authority };
  } catch (error) {
    await checked.close();
    throw error;
  }
}

/** Looked at as the user: root's stat would tell them what lies in folders they cannot open. */
async function assertDiskDevice(device: string, user: InvokingUser | null): Promise<DeviceIdentity> {
  const info = await asUser(user, () => stat(device)).catch(() => null);
  // macOS writes through /dev/rdiskN, a character device; everywhere else it must be a block device.
  const isDisk = info?.isBlockDevice() || (process.platform === 'darwin' && info?.isCharacterDevice());
  if (!info || !isDisk) {
    throw new FlashError(
      'flash-device-unknown',
      `${device} is not a disk device; nothing was written.`,
      'Pick the card again from the list.',
    );
  }
  return identityOf(info);
}
