import { readdir, realpath } from 'node:fs/promises';
import path from 'node:path';

/**
 * udev builds /dev/disk/by-id names from [0-9A-Za-z#+.:=@_-] only (anything else becomes '_'): no '/', and no
 * leading '.', so such a name can never lead out of /dev/disk/by-id. Checked again by the launcher and the writer.
 */
export const DISK_ID_NAME = /^[A-Za-z0-9][A-Za-z0-9#+.:=@_-]{0,199}$/;
/** Kernel names of whole disks, for disks udev gave no by-id link (and macOS's diskN). None contains a '-'. */
export const KERNEL_DISK_NAME =
  /^(sd[a-z]{1,3}|vd[a-z]{1,3}|xvd[a-z]{1,3}|hd[a-z]{1,3}|nvme\d{1,3}n\d{1,3}|mmcblk\d{1,3}|loop\d{1,4}|disk\d{1,4})$/;

export const BY_ID_DIR = '/dev/disk/by-id';

// Names made of numbers only (WWN, EUI, NGUID) say nothing to the person reading the prompt: model and serial do.
const opaque = (name: string) => /^(wwn-|nvme-eui\.|nvme-nvme\.|scsi-[0-9])/.test(name);

/**
 * How to name `device` in the internal-disk authorization: its most readable /dev/disk/by-id link
 * ('ata-WDC_WD20EZAZ-00L_WD-WX12…': model and serial, which survive renumbering), or, for a disk udev gave no link
 * (containers, some virtual disks), its kernel name ('nvme0n1'), which the size that goes with it makes specific
 * enough. Null when neither exists.
 */
export async function diskIdName(device: string, byIdDir = BY_ID_DIR): Promise<string | null> {
  const target = await realpath(device).catch(() => null);
  if (!target) return null;
  const names = await readdir(byIdDir).catch(() => [] as string[]);
  const matching: string[] = [];
  for (const name of names) {
    if (!DISK_ID_NAME.test(name)) continue;
    if ((await realpath(path.join(byIdDir, name)).catch(() => null)) === target) matching.push(name);
  }
  matching.sort((a, b) => Number(opaque(a)) - Number(opaque(b)) || a.length - b.length || a.localeCompare(b));
  const kernel = path.basename(target);
  return matching[0] ?? (KERNEL_DISK_NAME.test(kernel) ? kernel : null);
}
