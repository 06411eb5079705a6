import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { diskIdName } from './disk-by-id.js';

let root = '';
let byId = '';
const dev = (name: string) => path.join(root, name);

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'by-id-'));
  byId = path.join(root, 'disk', 'by-id');
  await mkdir(byId, { recursive: true });
  for (const name of ['sda', 'sda1', 'nvme0n1', 'weird-name']) await writeFile(dev(name), '');
});

afterEach(() => rm(root, { recursive: true, force: true }));

describe('diskIdName (how the internal-disk prompt names a disk)', () => {
  it('picks the model-and-serial link over WWN/EUI ones, and never a partition’s', async () => {
    const links: [string, string][] = [
      ['wwn-0x50014ee2b5b8d3c1', 'sda'],
      ['ata-WDC_WD20EZAZ-00L_WD-WX12', 'sda'],
      ['ata-WDC_WD20EZAZ-00L_WD-WX12-part1', 'sda1'],
      ['nvme-eui.0025385b71b0a2b1', 'nvme0n1'],
    ];
    for (const [name, target] of links) await symlink(`../../${target}`, path.join(byId, name));
    expect(await diskIdName(dev('sda'), byId)).toBe('ata-WDC_WD20EZAZ-00L_WD-WX12');
    expect(await diskIdName(dev('nvme0n1'), byId)).toBe('nvme-eui.0025385b71b0a2b1');
  });

  it('falls back to the kernel name of a disk without a link, and to nothing for other names', async () => {
    expect(await diskIdName(dev('nvme0n1'), path.join(root, 'none'))).toBe('nvme0n1');
    expect(await diskIdName(dev('weird-name'), byId)).toBeNull();
    expect(await diskIdName(dev('missing'), byId)).toBeNull();
  });
});
