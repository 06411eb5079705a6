import { describe, expect, it } from 'vitest';
import { parseDiskutilTotalSize } from './device-size.js';

const plist = (body: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><plist version="1.0"><dict>${body}</dict></plist>`;

describe('parseDiskutilTotalSize', () => {
  it('reads TotalSize', () => {
    const xml = plist(
      '<key>DeviceIdentifier</key><string>disk4</string><key>TotalSize</key><integer>31914983424</integer>',
    );
    expect(parseDiskutilTotalSize(xml)).toBe(31914983424);
  });

  it('is null without a size', () => {
    expect(parseDiskutilTotalSize(plist('<key>DeviceIdentifier</key><string>disk4</string>'))).toBeNull();
  });
});
