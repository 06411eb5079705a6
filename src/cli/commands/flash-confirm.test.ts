import { describe, expect, it } from 'vitest';
import type { DriveChoice } from '../../contract/index.js';
import { assessDrive, type Drive } from '../../flash/index.js';
import { ExitCode } from '../exit-codes.js';
import type { CliIo } from '../session.js';
import { confirmErase, findChoice, refusalFor } from './flash-confirm.js';

const drive = (overrides: Partial<Drive>): Drive => ({
  device: '/dev/loop10',
  rawDevice: '/dev/loop10',
  name: 'Loop device (loop10)',
  sizeBytes: 1e9,
  model: null,
  vendor: null,
  serial: null,
  bus: 'loop',
  removable: false,
  readOnly: false,
  mountpoints: [],
  partitions: [],
  ...overrides,
});

function choose(
  d: Drive,
  { showAllDrives = false, imageSizeBytes = null as number | null } = {},
): DriveChoice {
  const context = { imageSizeBytes, sourcePath: null, sourceDevice: null, showAllDrives };
  return { drive: d, verdict: assessDrive(d, context), busy: null };
}

const io = (answers: string[] | null) => {
  const err: string[] = [];
  const value: CliIo = {
    out: () => {},
    err: (text) => void err.push(text),
    terminal: null,
    ...(answers ? { ask: async (question: string) => (err.push(question), answers.shift() ?? null) } : {}),
  };
  return { io: value, err };
};

describe('refusalFor', () => {
  it('refuses a card a running flash holds before asking anything', () => {
    const busy = {
      ...choose(drive({}), { showAllDrives: true }),
      busy: { taskId: null, title: 'a run in another window of the app or a companion command' },
    };
    const refusal = refusalFor('/dev/loop10', busy);
    expect(refusal?.message).toBe(
      '/dev/loop10 is being written by a run in another window of the app or a companion command. Nothing was written by this command.',
    );
  });

  it('names --allow-non-removable for a loop device left out by default, and no "show all"', () => {
    const refusal = refusalFor('/dev/loop10', choose(drive({})));
    expect(refusal?.message).toBe(
      '/dev/loop10 is a loop device (a file used as a disk), not a removable card: it is written only when you allow non-removable drives.',
    );
    expect(refusal?.hint).toMatch(
      /^If it really is the drive you mean, pass --allow-non-removable; otherwise/,
    );
    expect(`${refusal?.message} ${refusal?.hint}`).not.toMatch(/show all|system disk/i);
    expect(refusalFor('/dev/loop10', choose(drive({}), { showAllDrives: true }))).toBeNull();
  });

  it('names --allow-non-removable and the second authorization for a built-in disk', () => {
    const sata = drive({ device: '/dev/sdc', rawDevice: '/dev/sdc', bus: 'sata', name: 'Samsung SSD' });
    const refusal = refusalFor('/dev/sdc', choose(sata));
    expect(refusal?.message).toMatch(/^\/dev\/sdc is a built-in disk \(sata\), not a removable card/);
    expect(refusal?.hint).toMatch(/--allow-non-removable \(the disk then asks for its own authorization\)/);
  });

  it('tells a too-small card to use a larger one, with both sizes, whatever the flags', () => {
    for (const showAllDrives of [false, true]) {
      const refusal = refusalFor('/dev/loop10', choose(drive({}), { showAllDrives, imageSizeBytes: 2.1e9 }));
      expect(refusal?.message).toBe(
        '/dev/loop10 may not be written: Too small: the image needs 2.1 GB, this card has 1 GB.',
      );
      expect(refusal?.hint).toBe('Use a larger card.');
    }
  });

  it('never suggests a flag for a system disk, and says when there is no such drive', () => {
    const root = drive({
      device: '/dev/nvme0n1',
      rawDevice: '/dev/nvme0n1',
      bus: 'nvme',
      mountpoints: ['/'],
    });
    const refusal = refusalFor('/dev/nvme0n1', choose(root, { showAllDrives: true }));
    expect(refusal?.hint).toMatch(/never written: pick the SD card itself/);
    expect(refusal?.hint).not.toMatch(/--/);
    const choices = [choose(root)];
    expect(findChoice(choices, '/dev/sdz')).toBeUndefined();
    expect(refusalFor('/dev/sdz', undefined)?.message).toBe('There is no drive /dev/sdz.');
  });
});

describe('confirmErase', () => {
  const card = choose(
    drive({ device: '/dev/sdb', rawDevice: '/dev/sdb', bus: 'usb', removable: true, name: 'SanDisk Ultra' }),
  );

  it('refuses without a terminal to ask on (exit 2), naming --yes', async () => {
    const error = await confirmErase(io(null).io, 'pi.img', [card]).catch((e: unknown) => e);
    expect(error).toMatchObject({ exitCode: ExitCode.usage, hint: expect.stringMatching(/--yes/) });
  });

  it('shows device, model and size, and goes on only on yes', async () => {
    const yes = io(['y']);
    await confirmErase(yes.io, 'pi.img', [card]);
    expect(yes.err.join('')).toBe(
      'Writing pi.img erases everything on:\n  /dev/sdb  SanDisk Ultra, 1 GB (usb)\nErase everything on it? [y/N] ',
    );
    for (const answer of ['', 'n', 'no', 'yess']) {
      const error = await confirmErase(io([answer]).io, 'pi.img', [card]).catch((e: unknown) => e);
      expect(error).toMatchObject({ exitCode: ExitCode.cancelled, message: /not confirmed/ });
    }
    await expect(confirmErase(io([]).io, 'pi.img', [card])).rejects.toMatchObject({
      exitCode: ExitCode.cancelled,
    });
  });
});
