// Flashing a cut-off image, onto loop devices over sparse files (needs root). Only loop devices this file created are
// touched, and each is detached after its test.
import { open } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core.js';
import { writeImageToDevice } from '../../src/flash/write/write-image-to-device.js';
import { buildSdImage, compressImage, type Compression } from '../fixtures/sd-image.js';
import { detachLoopDevices, loopDevice, readDevice, sha256OfDevice } from '../helpers/loop-devices.js';
import { rejection } from '../helpers/rejection.js';
import { tempCore, type TempCore } from '../helpers/temp-core.js';

const MIB = 1024 * 1024;
const CUT = 8 * MIB + 4096;
let dir = '';
let core: Core;
let temp: TempCore | undefined;
/** The complete image's size; every fixture here lacks its last CUT bytes. */
let imageSize = 0;
const images = new Map<string, string>();

beforeAll(async () => {
  temp = await tempCore('flash-truncated-');
  ({ dir, core } = temp);
  // sfdisk lays out the complete image, then the end is cut off, as by an interrupted download.
  const mbr = await buildSdImage(path.join(dir, 'mbr'), { truncateBy: CUT });
  imageSize = mbr.imageSize;
  images.set('raw', mbr.path);
  // Compressed from the cut-off image: the compressed file is whole, the image inside it is not.
  for (const format of ['zstd', 'xz', 'gzip'] as Compression[])
    images.set(format, await compressImage(mbr.path, format));
  const gpt = await buildSdImage(path.join(dir, 'gpt'), { table: 'gpt', truncateBy: CUT });
  images.set('gpt', gpt.path);
}, 120_000);

afterEach(() => {
  detachLoopDevices();
});

afterAll(() => temp?.dispose());

/** A card from its last life: an MBR signature at the start and a backup GPT header in its last sector. */
async function usedCard(bytes: number): Promise<{ device: string; before: string }> {
  const device = await loopDevice(dir, bytes);
  const handle = await open(device, 'r+');
  await handle.write(Buffer.from([0x55, 0xaa]), 0, 2, 510);
  await handle.write(Buffer.from('EFI PART'), 0, 8, bytes - 512);
  await handle.close();
  return { device, before: await sha256OfDevice(device, bytes) };
}

const cardSize = () => imageSize + 16 * MIB;
// A GPT image keeps a MiB after its last partition for the backup table, so the cut takes less of the partition.
const missing = (name: string) => (name === 'gpt' ? CUT - MIB : CUT);

describe('flashing an image whose partitions reach past its end', () => {
  it.each(['raw', 'zstd', 'xz', 'gpt'])(
    'the flash service refuses a cut-off %s image with the bytes missing, and writes nothing',
    async (name) => {
      const { device, before } = await usedCard(cardSize());
      const error = await rejection(
        core.flash.start({ image: images.get(name)!, devices: [device], showAllDrives: true, verify: false }),
      );
      expect(error.code).toBe('image-truncated');
      expect(error.message).toContain(`${missing(name)} bytes`);
      expect(error.message).toMatch(/are missing, so it was cut short\. Nothing was written\.$/);
      expect(await sha256OfDevice(device, cardSize())).toBe(before);
      expect((await readDevice(device, cardSize() - 512, 8)).toString()).toBe('EFI PART');
    },
  );

  it('the writer itself refuses a cut-off raw image before blanking the card (root writer path)', async () => {
    const { device, before } = await usedCard(cardSize());
    const source = images.get('raw')!;
    const handle = await open(source, 'r');
    try {
      const error = await rejection(
        writeImageToDevice({ source, sourceFd: handle.fd, expectedSize: null, devices: [device] }),
      );
      expect(error.code).toBe('image-truncated');
      expect(error.message).toContain(`${CUT} bytes`);
      expect(error.message).toMatch(/Nothing was written\.$/);
    } finally {
      await handle.close();
    }
    expect(await sha256OfDevice(device, cardSize())).toBe(before);
  });

  it('a cut-off image inside a .gz (size unknown ahead) fails before its first MiB makes the card bootable', async () => {
    const { device } = await usedCard(cardSize());
    const error = await rejection(writeImageToDevice({ source: images.get('gzip')!, devices: [device] }));
    expect(error.code).toBe('image-truncated');
    expect(error.message).toContain(`${CUT} bytes`);
    expect(error.message).toMatch(/unusable until it is flashed again/);
    expect((await readDevice(device, 0, MIB)).every((b) => b === 0)).toBe(true);
  });
});
