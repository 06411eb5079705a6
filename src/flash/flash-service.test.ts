import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIB, mbr } from '../../test/fixtures/partition-tables.js';
import { tempCore, type TempCore } from '../../test/helpers/temp-core.js';
import { taskResultOf, type Drive } from '../contract/index.js';
import type { RunPrivilegedWriterOptions } from './elevate/run-privileged-writer.js';
import { FlashService } from './flash-service.js';
import type { WriteImageToDeviceResult } from './write/write-image-to-device.js';

let temp: TempCore;
let image: string;

beforeEach(async () => {
  temp = await tempCore('flash-service-');
  image = join(temp.dir, 'pi.img');
  // One Linux partition from 512 KiB to the end of the 1 MiB image: a table the image holds.
  await writeFile(image, mbr([{ slot: 1, type: 0x83, start: 1024, sectors: 1024 }], MIB));
});
afterEach(() => temp.dispose());

const card = (name: string): Drive => ({
  device: `/dev/${name}`,
  rawDevice: `/dev/${name}`,
  name,
  sizeBytes: 32e9,
  model: 'SD Card Reader',
  vendor: 'Generic',
  serial: null,
  bus: 'usb',
  removable: true,
  readOnly: false,
  mountpoints: [],
  partitions: [],
});
const systemDisk: Drive = { ...card('nvme0n1'), bus: 'nvme', removable: false, mountpoints: ['/'] };

/** A writer that records what it was asked and answers per card; `gate` holds it mid-write. */
function standInWriter(outcome: (device: string) => boolean, gate: Promise<unknown> = Promise.resolve()) {
  const calls: RunPrivilegedWriterOptions[] = [];
  const run = async (options: RunPrivilegedWriterOptions): Promise<WriteImageToDeviceResult> => {
    calls.push(options);
    options.onProgress?.({ phase: 'writing', done: 512, total: 1024, unit: 'bytes' });
    await gate;
    return {
      bytesWritten: 1024 * 1024,
      sourceSha256: 'ab'.repeat(32),
      verified: false,
      writeSeconds: 0.1,
      verifySeconds: 0,
      devices: options.devices.map((device) => {
        const ok = outcome(device);
        return {
          device,
          ok,
          bytesWritten: ok ? 1024 * 1024 : 0,
          verified: false,
          ...(ok ? {} : { error: { code: 'flash-verify-failed', message: 'read back differs', hint: '' } }),
        };
      }),
    };
  };
  return { calls, run };
}

function service(writer: ReturnType<typeof standInWriter>, drives = [card('sdx'), card('sdy'), systemDisk]) {
  const { tasks, hosts } = temp.core;
  return new FlashService({ tasks, hosts, listDrives: async () => drives, runWriter: writer.run });
}

describe('FlashService with a stand-in drive list and writer', () => {
  it('never hands a system disk to the writer', async () => {
    const writer = standInWriter(() => true);
    await expect(
      service(writer).start({ image, devices: ['/dev/nvme0n1'], eject: false }),
    ).rejects.toMatchObject({
      code: 'flash-drive-refused',
    });
    expect(writer.calls).toEqual([]);
  });

  it('keeps every card’s result when one of them failed, and says which to flash again', async () => {
    const writer = standInWriter((device) => device !== '/dev/sdy');
    const run = await service(writer).start({
      image,
      devices: ['/dev/sdx', '/dev/sdy'],
      eject: false,
      verify: false,
    });
    await expect(run.result).rejects.toMatchObject({ code: 'flash-some-cards-failed' });
    const result = taskResultOf('flash', await temp.core.tasks.result(run.id));
    expect(result?.devices.map((d) => [d.device, d.ok, d.ejected])).toEqual([
      ['/dev/sdx', true, 'off'],
      ['/dev/sdy', false, undefined],
    ]);
    expect(temp.core.tasks.get(run.id).outcome).toMatch(/\/dev\/sdy FAILED: read back differs/);
    expect(writer.calls[0]?.devices).toEqual(['/dev/sdx', '/dev/sdy']);
  });

  it('shows a card a running flash holds as busy and refuses it, and writes the other card meanwhile', async () => {
    let release!: () => void;
    const writer = standInWriter(() => true, new Promise<void>((resolve) => (release = resolve)));
    const flash = service(writer);
    const first = await flash.start({ image, devices: ['/dev/sdx'], eject: false });
    await expect(
      flash.start({ image, devices: ['/dev/sdx', '/dev/sdy'], eject: false }),
    ).rejects.toMatchObject({
      code: 'flash-drive-busy',
      message: expect.stringContaining('/dev/sdx is being written by "Flash SD Card Reader (/dev/sdx)"'),
    });
    const listed = await flash.drives({});
    expect(listed.find((c) => c.drive.device === '/dev/sdx')?.busy).toEqual({
      taskId: first.id,
      title: 'Flash SD Card Reader (/dev/sdx)',
    });
    expect(listed.find((c) => c.drive.device === '/dev/sdy')?.busy).toBeNull();
    const other = await flash.start({ image, devices: ['/dev/sdy'], eject: false });
    release();
    await Promise.all([first.result, other.result]);
    expect(writer.calls.map((c) => c.devices)).toEqual([['/dev/sdx'], ['/dev/sdy']]);
  });
});
