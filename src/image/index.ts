export { decompressArgs } from './decompress-args.js';
export { type Decompressor, spawnDecompressor } from './decompress-image-child.js';
export { decompressionFailure } from './decompress-image-failure.js';
export { writeImageTo } from './decompress-image.js';
export { deviceSize } from './device-size.js';
export { withDiskReader } from './disk-reader.js';
export { ext4PartitionsOf } from './ext4-partitions.js';
export { Ext4Error, type Ext4ErrorCode } from './ext4/ext4-error.js';
export type { ReadBackFile } from './ext4/ext4-types.js';
export { type InjectFile, injectFiles } from './ext4/inject-files.js';
export { pathExists, readBackFiles } from './ext4/read-back.js';
export { formatSize, ImageError, type ImageErrorCode } from './image-errors.js';
export { imageHandlers } from './image-handlers.js';
export { inspectImage } from './inspect-image.js';
export { decompressedImageSize, listCompressedImage } from './image-size.js';
export {
  hasPartitionTableSignature,
  type ImageFormat,
  sniffImageFormat,
  sniffImageFormatOfDescriptor,
} from './image-format.js';
export { ImageTruncatedError } from './partition-table-errors.js';
export {
  parsePartitionTable,
  type Partition,
  readPartitionTable,
  readPartitionTableOf,
} from './partition-table.js';
