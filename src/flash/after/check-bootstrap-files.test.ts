import { describe, expect, it } from 'vitest';
import type { FileInfo, ProvisionRecord } from '../../contract/index.js';
import type { ReadBackFile } from '../../image/ext4/ext4-types.js';
import { compareWithRecord, findProvisionFor, recordMatchesImage } from './check-bootstrap-files.js';

const KEY = '/var/lib/bootstrap/ssh_host_ed25519_key';
const WIFI = '/var/lib/bootstrap/wifi.env';
const files: FileInfo[] = [
  { path: KEY, mode: 0o600, uid: 0, gid: 0, sha256: 'aa'.repeat(32) },
  { path: WIFI, mode: 0o600, uid: 0, gid: 0, sha256: null },
];
const record: ProvisionRecord = {
  image: '/data/pi.img',
  sha256: 'ff'.repeat(32),
  sizeBytes: 1,
  at: '2024-01-01T00:00:00.000Z',
  rootPartitionOffset: 38 * 1024 * 1024,
  hostKeyFingerprint: 'SHA256:x',
  ageRecipient: 'age1x',
  files,
};
const onCard = (overrides: Partial<ReadBackFile> & { path: string }): ReadBackFile => ({
  exists: true,
  type: 'file',
  mode: 0o600,
  uid: 0,
  gid: 0,
  size: 10,
  sha256: overrides.path === KEY ? 'aa'.repeat(32) : 'bb'.repeat(32),
  ...overrides,
});

describe('recordMatchesImage / findProvisionFor', () => {
  it('matches the same path or the same bytes, nothing else', () => {
    expect(recordMatchesImage(record, { imagePath: '/data/pi.img', sourceSha256: '00' })).toBe(true);
    expect(recordMatchesImage(record, { imagePath: '/copy.img', sourceSha256: 'FF'.repeat(32) })).toBe(true);
    expect(recordMatchesImage(record, { imagePath: '/other.img', sourceSha256: '00' })).toBe(false);
  });

  it('matches a record without a whole-image digest by its path only', () => {
    const { sha256: _, ...unhashed } = record;
    expect(recordMatchesImage(unhashed, { imagePath: '/data/pi.img', sourceSha256: '00' })).toBe(true);
    expect(recordMatchesImage(unhashed, { imagePath: '/copy.img', sourceSha256: 'ff'.repeat(32) })).toBe(
      false,
    );
  });

  it('finds the host whose last provisioning made the image', () => {
    const hosts = [
      { name: 'fresh', lastProvision: null },
      { name: 'pi', lastProvision: record },
    ];
    expect(findProvisionFor(hosts, { imagePath: '/x.img', sourceSha256: 'ff'.repeat(32) })).toEqual({
      host: 'pi',
      record,
    });
    expect(findProvisionFor(hosts, { imagePath: '/x.img', sourceSha256: '00' })).toBeNull();
  });
});

describe('compareWithRecord', () => {
  it('accepts files as provisioned, not comparing the Wi-Fi digest the record leaves out', () => {
    expect(compareWithRecord(files, [onCard({ path: KEY }), onCard({ path: WIFI })])).toEqual([]);
  });

  it('names the file and field that differ', () => {
    const found = [onCard({ path: KEY, mode: 0o644, gid: 100, sha256: 'cc'.repeat(32) })];
    expect(compareWithRecord(files, found)).toEqual([
      { path: KEY, field: 'mode', expected: '0600', actual: '0644' },
      { path: KEY, field: 'gid', expected: '0', actual: '100' },
      { path: KEY, field: 'sha256', expected: 'aa'.repeat(32), actual: 'cc'.repeat(32) },
      { path: WIFI, field: 'missing', expected: 'a file', actual: 'nothing' },
    ]);
  });
});
