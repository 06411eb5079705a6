import { z } from 'zod';
import { ErrorInfo, type ChannelGroup } from './shared.js';

/** One partition as the image's table describes it. */
export const InspectedPartition = z.object({
  index: z.number().int(),
  offsetBytes: z.number(),
  sizeBytes: z.number(),
  /** MBR type ("0x83") or GPT type GUID. */
  type: z.string(),
  /** ext4's volume label when the partition holds one and it could be read (raw images only). */
  ext4Label: z.string().nullable(),
});

/** What an image file is, checked the moment it is chosen: by content, never by its name. */
export const ImageInspection = z.object({
  path: z.string(),
  format: z.enum(['raw', 'zstd', 'xz', 'gzip']).nullable(),
  fileBytes: z.number(),
  /** What the image will take on a card: the file's size for raw, the headers' word for zstd and xz; null for gzip. */
  imageBytes: z.number().nullable(),
  partitionTable: z.enum(['mbr', 'gpt']).nullable(),
  partitions: z.array(InspectedPartition),
  /**
   * A raw image was read where it matters (table, partitions, ext4). A compressed one is checked here only as far as
   * its headers and first MiB go; the rest is checked while it is read, and a cut-off file fails there.
   */
  fullyChecked: z.boolean(),
  /** The first thing wrong with it, in words for the user; null when it looks like a disk image. */
  problem: ErrorInfo.nullable(),
});
export type ImageInspection = z.infer<typeof ImageInspection>;

export const imageChannels = {
  'image.inspect': {
    request: z.object({ path: z.string().min(1, 'choose an image file') }).strict(),
    response: ImageInspection,
  },
} as const satisfies ChannelGroup<'image'>;
