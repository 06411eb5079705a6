import { CompanionError } from '../../errors.js';
import { assertToolSucceeded, findTool, runTool, runToolOrThrow } from '../../tools/index.js';
import type { Drive } from './drive.js';
import { parseDiskutil, wholeDisksOf } from './parse-diskutil.js';
import { LSBLK_COLUMNS, LSBLK_LEGACY_COLUMNS, parseLsblk } from './parse-lsblk.js';

export interface ListDrivesOptions {
  /** Defaults to this machine's; only 'linux' and 'darwin' have drive listing. */
  platform?: NodeJS.Platform;
  signal?: AbortSignal;
}

/** Every disk and loop device on this machine, before any safety policy: filter with `assessDrive`. */
export async function listDrives(options: ListDrivesOptions = {}): Promise<Drive[]> {
  const platform = options.platform ?? process.platform;
  if (platform === 'linux') return listLinuxDrives(options.signal);
  if (platform === 'darwin') return listMacDrives(options.signal);
  throw new CompanionError(
    'unsupported-platform',
    `Listing drives is not supported on ${platform}.`,
    'Flash the image from Linux or macOS.',
  );
}

async function listLinuxDrives(signal?: AbortSignal): Promise<Drive[]> {
  const lsblk = await findTool('lsblk');
  const run = (columns: string) => runTool(lsblk, ['--json', '-b', '-o', columns], { signal });
  let result = await run(LSBLK_COLUMNS);
  // util-linux before 2.37 (Debian 11, Ubuntu 20.04) rejects MOUNTPOINTS and PATH: ask again the old way.
  if (result.code !== 0 && /unknown column/i.test(result.stderr)) result = await run(LSBLK_LEGACY_COLUMNS);
  return parseLsblk(assertToolSucceeded('lsblk', result).stdout);
}

async function listMacDrives(signal?: AbortSignal): Promise<Drive[]> {
  const diskutil = await findTool('diskutil');
  const list = await runToolOrThrow(diskutil, ['list', '-plist'], { signal });
  const ids = wholeDisksOf(list.stdout);
  const infos = await Promise.all(
    ids.map(async (id) => {
      const info = await runTool(diskutil, ['info', '-plist', `/dev/${id}`], { signal });
      // A card pulled out between the two calls: leave it out rather than fail the whole list.
      return [id, info.code === 0 ? info.stdout : null] as const;
    }),
  );
  const present = infos.filter((entry): entry is readonly [string, string] => entry[1] !== null);
  return parseDiskutil(list.stdout, Object.fromEntries(present));
}

export interface WatchDrivesOptions {
  intervalMs?: number;
  signal?: AbortSignal;
  /** Called when a poll fails; polling goes on. */
  onError?: (error: unknown) => void;
  /** Swapped in tests; defaults to `listDrives`. */
  list?: () => Promise<Drive[]>;
}

/**
 * Polls the drive list and calls `onChange` with the first list and then whenever drives come, go, change size or
 * mounts: enough to refresh the picker when a card is inserted or auto-mounted. Stops when `signal` aborts.
 */
export function watchDrives(onChange: (drives: Drive[]) => void, options: WatchDrivesOptions = {}): void {
  const { intervalMs = 2000, signal, onError } = options;
  const list = options.list ?? (() => listDrives({ signal }));
  let last: string | null = null;
  let timer: NodeJS.Timeout | undefined;
  const poll = async () => {
    try {
      const drives = await list();
      const signature = driveListSignature(drives);
      if (!signal?.aborted && signature !== last) {
        last = signature;
        onChange(drives);
      }
    } catch (error) {
      if (!signal?.aborted) onError?.(error);
    }
    // A timeout chain, not an interval: a slow lsblk must not pile up runs.
    if (!signal?.aborted) timer = setTimeout(() => void poll(), intervalMs);
  };
  signal?.addEventListener('abort', () => clearTimeout(timer), { once: true });
  if (!signal?.aborted) void poll();
}

/** What a change in the drive list means to the user; cheap to compute every two seconds. */
export function driveListSignature(drives: readonly Drive[]): string {
  return drives
    .map(
      (d) => `${d.device}:${d.sizeBytes}:${d.readOnly ? 'ro' : 'rw'}:${[...d.mountpoints].sort().join(',')}`,
    )
    .sort()
    .join('|');
}
