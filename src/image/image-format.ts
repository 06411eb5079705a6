import { fstat, read } from 'node:fs';
import { promisify } from 'node:util';
import { withDiskReader } from './disk-reader.js';
import { ImageError, imageAccessError } from './image-errors.js';

/** How an image file is stored: a whole-disk image as is, or compressed whole. */
export type ImageFormat = 'raw' | 'zstd' | 'xz' | 'gzip';

/** Enough of the head to tell a disk image from the things people pick by mistake (ISO 9660 sits at 32 KiB). */
export const SNIFF_BYTES = 34 * 1024;
const SECTOR = 512;

const ACCEPTED =
  'The image must be a whole-disk image: .img, .img.zst, .img.xz or .img.gz (NixOS builds put it in result/sd-image/).';

interface Magic {
  offset: number;
  bytes: Buffer;
}
const magic = (offset: number, bytes: number[] | string): Magic => ({
  offset,
  bytes: typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes),
});

const COMPRESSED: readonly { format: Exclude<ImageFormat, 'raw'>; magic: Magic }[] = [
  { format: 'zstd', magic: magic(0, [0x28, 0xb5, 0x2f, 0xfd]) },
  { format: 'xz', magic: magic(0, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) },
  // 08 = deflate, the only method gzip defines; it makes a chance match on two bytes unlikely.
  { format: 'gzip', magic: magic(0, [0x1f, 0x8b, 0x08]) },
];

/** Things that are not images, and what the user should do instead. */
const LOOKALIKES: readonly { magic: Magic; what: string; hint: string }[] = [
  { magic: magic(0, 'PK\x03\x04'), what: 'a ZIP archive', hint: 'Extract it and pick the .img inside.' },
  { magic: magic(0, 'PK\x05\x06'), what: 'an empty ZIP archive', hint: 'Download the image again.' },
  {
    magic: magic(0, '7z\xbc\xaf\x27\x1c'),
    what: 'a 7-Zip archive',
    hint: 'Extract it and pick the .img inside.',
  },
  {
    magic: magic(0, 'BZh'),
    what: 'a bzip2 file',
    hint: 'Decompress it with bunzip2, or recompress the .img with zstd.',
  },
  {
    magic: magic(0, [0x04, 0x22, 0x4d, 0x18]),
    what: 'an LZ4 file',
    hint: 'Decompress it with lz4 -d first.',
  },
  {
    magic: magic(0, 'QFI\xfb'),
    what: 'a QEMU qcow2 disk',
    hint: 'Convert it: qemu-img convert -O raw disk.qcow2 disk.img',
  },
  {
    magic: magic(0, 'vhdxfile'),
    what: 'a Hyper-V VHDX disk',
    hint: 'Convert it: qemu-img convert -O raw disk.vhdx disk.img',
  },
  {
    magic: magic(0, 'KDMV'),
    what: 'a VMware VMDK disk',
    hint: 'Convert it: qemu-img convert -O raw disk.vmdk disk.img',
  },
  { magic: magic(257, 'ustar'), what: 'a tar archive', hint: 'Extract it and pick the .img inside.' },
  {
    magic: magic(0, 'version https://git-lfs'),
    what: 'a Git LFS pointer, not the image itself',
    hint: 'Run git lfs pull, or download the image directly.',
  },
  {
    magic: magic(1080, [0x53, 0xef]),
    what: 'a bare ext2/3/4 file system without a partition table',
    hint: 'Use the whole sdImage (result/sd-image/*.img.zst), not the root file system alone.',
  },
  {
    magic: magic(32769, 'CD001'),
    what: 'an ISO 9660 installer image, not an SD card image',
    hint: 'For a Pi, build the sdImage output (e.g. nix build .#…sdImage).',
  },
];

function matches(head: Buffer, m: Magic): boolean {
  return (
    head.length >= m.offset + m.bytes.length &&
    head.subarray(m.offset, m.offset + m.bytes.length).equals(m.bytes)
  );
}

/** True when the head carries an MBR boot signature or a GPT header: a whole-disk image. */
export function hasPartitionTableSignature(head: Buffer): boolean {
  const mbr = head.length >= SECTOR && head[510] === 0x55 && head[511] === 0xaa;
  return mbr || matches(head, magic(SECTOR, 'EFI PART'));
}

/** Zstandard skippable frames (magic 0x184D2A5?) open pzstd output. */
function isZstdSkippable(head: Buffer): boolean {
  return head.length >= 4 && (head.readUInt32LE(0) & 0xfffffff0) === 0x184d2a50;
}

function looksLikeText(head: Buffer): boolean {
  const sample = head.subarray(0, 512);
  if (sample.length === 0) return false;
  // Tabs, newlines and printable ASCII, plus UTF-8 lead/continuation bytes.
  return sample.every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b !== 127));
}

function describeUnknown(head: Buffer): { what: string; hint: string } {
  for (const other of LOOKALIKES) if (matches(head, other.magic)) return other;
  if (looksLikeText(head)) {
    const html = /^\s*<(!doctype html|html|\?xml)/i.test(head.subarray(0, 256).toString('latin1'));
    return html
      ? {
          what: 'an HTML page (often a download error or login page)',
          hint: 'Download the image again from a direct link.',
        }
      : { what: 'a text file', hint: 'Pick the image file itself.' };
  }
  if (head.subarray(0, SECTOR).every((b) => b === 0)) {
    return {
      what: 'only zero bytes where the partition table should be',
      hint: 'The image was not fully written; build or download it again.',
    };
  }
  const bytes = [...head.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return { what: `an unknown format (it starts with ${bytes})`, hint: '' };
}

/** Names the format of an image from its first bytes (`head`, up to SNIFF_BYTES) and its size. */
export function detectImageFormat(head: Buffer, fileSize: number, name = 'The file'): ImageFormat {
  if (fileSize === 0) {
    throw new ImageError(
      'image-too-small',
      `${name} is empty (0 bytes).`,
      `The build or download did not finish. ${ACCEPTED}`,
    );
  }
  for (const { format, magic: m } of COMPRESSED) if (matches(head, m)) return format;
  if (isZstdSkippable(head)) return 'zstd';
  if (hasPartitionTableSignature(head)) return 'raw';
  const known = LOOKALIKES.some((other) => matches(head, other.magic)) || looksLikeText(head);
  if (fileSize < SECTOR && !known) {
    throw new ImageError(
      'image-too-small',
      `${name} is only ${fileSize} bytes: too short to be a disk image.`,
      `The build or download did not finish. ${ACCEPTED}`,
    );
  }
  const { what, hint } = describeUnknown(head);
  throw new ImageError(
    'image-unknown-format',
    `${name} is not a disk image: this looks like ${what}.`,
    `${hint ? `${hint} ` : ''}${ACCEPTED}`,
  );
}

/** Reads up to `length` bytes from the start of a file; shorter when the file is. */
export async function readHead(file: string, length: number): Promise<{ head: Buffer; size: number }> {
  try {
    return await withDiskReader(file, async (disk) => ({
      head: await disk.readAt(0, length),
      size: await disk.size(),
    }));
  } catch (error) {
    throw imageAccessError(file, error);
  }
}

const fstatAsync = promisify(fstat);
const readAsync = promisify(read);

/** The format of an already open image (read at offset 0, whatever its descriptor's offset); `label` names it. */
export async function sniffImageFormatOfDescriptor(fd: number, label: string): Promise<ImageFormat> {
  const { size } = await fstatAsync(fd);
  const head = Buffer.alloc(Math.min(SNIFF_BYTES, size));
  const { bytesRead } = await readAsync(fd, head, 0, head.length, 0);
  return detectImageFormat(head.subarray(0, bytesRead), size, `The file ${label}`);
}

/** The format of the image at `file`, by its magic bytes (never its name). Throws ImageError when it is none of them. */
export async function sniffImageFormat(file: string): Promise<ImageFormat> {
  const { head, size } = await readHead(file, SNIFF_BYTES);
  return detectImageFormat(head, size, `The file ${file}`);
}
