import { z } from 'zod';
import { ErrorInfo, TaskStarted, type ChannelGroup, type TaskResultGroup } from './shared.js';

/** How a drive is attached; the safety policy keys off it. */
export const DriveBus = z.enum(['usb', 'sd', 'mmc', 'nvme', 'sata', 'scsi', 'loop', 'virtual', 'unknown']);

/** A whole block device as the app sees it on any platform: what `lsblk` and `diskutil` agree on. */
export const Drive = z.object({
  /** /dev/sdb, /dev/mmcblk0, /dev/disk4 */
  device: z.string(),
  /** macOS /dev/rdisk4 (unbuffered, many times faster to write); elsewhere the same as `device`. */
  rawDevice: z.string(),
  name: z.string(),
  sizeBytes: z.number(),
  model: z.string().nullable(),
  vendor: z.string().nullable(),
  serial: z.string().nullable(),
  bus: DriveBus,
  removable: z.boolean(),
  readOnly: z.boolean(),
  /** Mountpoints of the disk and all its partitions (LUKS/LVM inside folded in); swap shows as 'swap'. */
  mountpoints: z.array(z.string()),
  partitions: z.array(
    z.object({
      device: z.string(),
      sizeBytes: z.number(),
      label: z.string().nullable(),
      fsType: z.string().nullable(),
      mountpoints: z.array(z.string()),
    }),
  ),
});
export type Drive = z.infer<typeof Drive>;
export type DriveBus = z.infer<typeof DriveBus>;

/** The safety policy's answer for one drive; the UI only shows it. */
export const DriveVerdict = z.object({
  device: z.string(),
  offered: z.boolean(),
  writable: z.boolean(),
  needsConfirmation: z.boolean(),
  confirmationText: z.string().nullable(),
  reasons: z.array(
    z.object({ code: z.string(), severity: z.enum(['refuse', 'hide', 'warn']), message: z.string() }),
  ),
});
export type DriveVerdict = z.infer<typeof DriveVerdict>;

/** A running flash that holds the drive: the task of this window, or (taskId null) of another process. */
export const DriveBusy = z.object({ taskId: z.string().nullable(), title: z.string() });
export type DriveBusy = z.infer<typeof DriveBusy>;

export const DriveChoice = z.object({ drive: Drive, verdict: DriveVerdict, busy: DriveBusy.nullable() });
export type DriveChoice = z.infer<typeof DriveChoice>;

export const FlashRequest = z
  .object({
    image: z.string().min(1, 'choose an image to flash'),
    /** The drives (1–8), flashed at once from one read of the image. */
    devices: z.array(z.string().min(1)).min(1, 'choose a drive').max(8, 'at most 8 drives at once'),
    verify: z.boolean().optional(),
    /** Offer internal and loop drives too (each then needs confirming). */
    showAllDrives: z.boolean().optional(),
    /** The user confirmed these drives by their model and size. */
    confirmed: z.boolean().optional(),
    /** Eject (power off) the card after a successful flash; default true. */
    eject: z.boolean().optional(),
  })
  .strict();
export type FlashRequest = z.infer<typeof FlashRequest>;

/** One card's part of a write, named as the drive list names it. */
export const DeviceWriteResult = z.object({
  device: z.string(),
  ok: z.boolean(),
  bytesWritten: z.number(),
  verified: z.boolean(),
  error: ErrorInfo.optional(),
  /** After the write: ejected (safe to pull), left attached (eject was off, or ejecting failed), or not tried yet. */
  ejected: z.enum(['yes', 'no', 'off']).optional(),
});
export type DeviceWriteResult = z.infer<typeof DeviceWriteResult>;

/** What a flash wrote: the image once, every card's own result (some may have failed while others hold the image). */
export const FlashResult = z.object({
  image: z.string(),
  bytesWritten: z.number(),
  sourceSha256: z.string(),
  verified: z.boolean(),
  writeSeconds: z.number(),
  verifySeconds: z.number(),
  devices: z.array(DeviceWriteResult),
});
export type FlashResult = z.infer<typeof FlashResult>;

export const flashTaskResults = { flash: FlashResult } as const satisfies TaskResultGroup;

export const flashChannels = {
  'flash.drives': {
    request: z
      .object({ showAllDrives: z.boolean().optional(), image: z.string().min(1).optional() })
      .strict(),
    response: z.array(DriveChoice),
  },
  'flash.start': { request: FlashRequest, response: TaskStarted },
} as const satisfies ChannelGroup<'flash'>;
