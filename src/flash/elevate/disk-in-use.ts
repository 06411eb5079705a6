import { readdir, readFile, readlink, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { FlashError } from '../flash-errors.js';
import { devnumOf } from '../device-number.js';

/** Where the kernel's views are read; tests point `sys` at a made-up tree for holders no test kernel can make. */
export interface KernelViews {
  sys: string;
  proc: string;
}

const LIVE: KernelViews = { sys: '/sys', proc: '/proc' };

interface BlockNode {
  name: string;
  /** "major:minor", as sysfs and mountinfo write it. */
  devnum: string;
  dir: string;
}

/** The disk and its partitions, found through the device number (a name could be a link to anything). */
async function diskAndPartitions(device: string, views: KernelViews): Promise<BlockNode[]> {
  const { rdev } = await stat(device);
  const devnum = devnumOf(rdev);
  const dir = await realpath(path.join(views.sys, 'dev', 'block', devnum));
  const nodes: BlockNode[] = [{ name: path.basename(dir), devnum, dir }];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const part = path.join(dir, entry.name);
    const isPartition = await stat(path.join(part, 'partition')).then(
      () => true,
      () => false,
    );
    if (!isPartition) continue;
    nodes.push({
      name: entry.name,
      devnum: (await readFile(path.join(part, 'dev'), 'utf8')).trim(),
      dir: part,
    });
  }
  return nodes;
}

/** LVM, dm-crypt, md RAID and bcache register as holders of the devices they sit on. */
async function holderUses(nodes: readonly BlockNode[]): Promise<string[]> {
  const uses: string[] = [];
  for (const node of nodes) {
    const holders = await readdir(path.join(node.dir, 'holders')).catch(() => [] as string[]);
    for (const holder of holders) uses.push(`${node.name} is held by ${holder} (LVM, dm-crypt or RAID)`);
  }
  return uses;
}

/** /proc/swaps escapes blanks in names as octal (\040). */
const unescape = (field: string) =>
  field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));

async function swapUses(nodes: readonly BlockNode[], views: KernelViews): Promise<string[]> {
  const text = await readFile(path.join(views.proc, 'swaps'), 'utf8').catch(() => '');
  const uses: string[] = [];
  for (const line of text.split('\n').slice(1)) {
    const name = unescape(line.split(/\s+/)[0] ?? '');
    if (!name) continue;
    const info = await stat(name).catch(() => null);
    const node = info?.isBlockDevice() ? nodes.find((n) => n.devnum === devnumOf(info.rdev)) : undefined;
    if (node) uses.push(`${node.name} is active swap (${name})`);
  }
  return uses;
}

/**
 * One mountinfo per mount namespace: a filesystem mounted in a container or a sandbox (or bind-mounted elsewhere) is
 * as much in use as one mounted in ours. Read through each process's view, deduplicated by namespace.
 */
async function mountTables(views: KernelViews): Promise<{ text: string; own: boolean }[]> {
  const seen = new Set<string>();
  const own = await readlink(path.join(views.proc, 'self', 'ns', 'mnt')).catch(() => 'self');
  seen.add(own);
  const tables = [{ text: await readFile(path.join(views.proc, 'self', 'mountinfo'), 'utf8'), own: true }];
  for (const pid of await readdir(views.proc)) {
    if (!/^\d+$/.test(pid)) continue;
    const ns = await readlink(path.join(views.proc, pid, 'ns', 'mnt')).catch(() => null);
    if (ns === null || seen.has(ns)) continue;
    seen.add(ns);
    const text = await readFile(path.join(views.proc, pid, 'mountinfo'), 'utf8').catch(() => null);
    if (text !== null) tables.push({ text, own: false });
  }
  return tables;
}

/** mountinfo escapes blanks too; the device number matches bind mounts, the source what btrfs numbers anonymously. */
async function mountUses(nodes: readonly BlockNode[], views: KernelViews): Promise<string[]> {
  const uses = new Set<string>();
  // Every mount namespace lists the same /dev sources again: stat each once.
  const sourceDevnum = new Map<string, Promise<string | null>>();
  const devnumOfSource = (source: string) => {
    let known = sourceDevnum.get(source);
    if (!known) {
      known = stat(source).then(
        (info) => (info.isBlockDevice() ? devnumOf(info.rdev) : null),
        () => null,
      );
      sourceDevnum.set(source, known);
    }
    return known;
  };
  for (const { text, own } of await mountTables(views)) {
    for (const line of text.split('\n')) {
      const fields = line.split(' ');
      const tail = fields.indexOf('-');
      if (tail < 0) continue;
      const source = unescape(fields[tail + 2] ?? '');
      let node = nodes.find((n) => n.devnum === fields[2]);
      if (!node && source.startsWith('/dev/')) {
        const devnum = await devnumOfSource(source);
        if (devnum) node = nodes.find((n) => n.devnum === devnum);
      }
      if (node)
        uses.add(
          `${node.name} is mounted at ${unescape(fields[4] ?? '?')}${own ? '' : ' (in another mount namespace)'}`,
        );
    }
  }
  return [...uses];
}

/**
 * Everything that makes a disk busy beyond what the drive list shows: holders of the disk or a partition, active
 * swap on them, or a filesystem of theirs mounted in any mount namespace, under any path. Linux only (sysfs, procfs).
 */
export async function findDiskUses(device: string, views: KernelViews = LIVE): Promise<string[]> {
  const nodes = await diskAndPartitions(device, views);
  return [
    ...(await holderUses(nodes)),
    ...(await swapUses(nodes, views)),
    ...(await mountUses(nodes, views)),
  ];
}

/** Refuses a disk in use: writing it would corrupt what uses it, or be undone by it. */
export async function assertDiskNotInUse(device: string, views: KernelViews = LIVE): Promise<void> {
  if (process.platform !== 'linux') return;
  const uses = await findDiskUses(device, views).catch((error: unknown) => {
    throw new FlashError(
      'disk-in-use',
      `Refused to write ${device}: could not tell whether it is in use (${String(error)}). Nothing was written.`,
      'Pick the card again from the list; if it keeps happening, report it with the task log.',
    );
  });
  if (uses.length === 0) return;
  throw new FlashError(
    'disk-in-use',
    `Refused to write ${device}: it is in use (${uses.slice(0, 6).join('; ')}). Nothing was written.`,
    'Unmount its filesystems (everywhere: other users, containers), turn off swap on it (swapoff), and close what holds it (cryptsetup close, vgchange -an, mdadm --stop), then try again.',
  );
}
