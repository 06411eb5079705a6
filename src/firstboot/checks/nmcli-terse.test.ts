import { describe, expect, it } from 'vitest';
import { describeUplink, findUplink, parseActiveConnections, splitTerseLine } from './nmcli-terse.js';

describe('splitTerseLine', () => {
  it.each([
    ['a:b:c', ['a', 'b', 'c']],
    ['Home\\: 5G:802-11-wireless:wlan0:activated', ['Home: 5G', '802-11-wireless', 'wlan0', 'activated']],
    ['back\\\\slash:x', ['back\\slash', 'x']],
    ['ends\\\\:x', ['ends\\', 'x']],
    [':empty:', ['', 'empty', '']],
    ['trailing\\', ['trailing\\']],
  ])('splits %j', (line, fields) => {
    expect(splitTerseLine(line)).toEqual(fields);
  });
});

describe('parseActiveConnections and findUplink', () => {
  const output = [
    'lo:loopback:lo:activated',
    'Home\\: 5G:802-11-wireless:wlan0:activated',
    'Wired connection 1:802-3-ethernet:end0:activating',
    'garbage line',
    '',
  ].join('\n');

  it('parses each line, unescaping colons', () => {
    expect(parseActiveConnections(output)).toEqual([
      { name: 'lo', type: 'loopback', kind: 'other', device: 'lo', state: 'activated' },
      { name: 'Home: 5G', type: '802-11-wireless', kind: 'wifi', device: 'wlan0', state: 'activated' },
      {
        name: 'Wired connection 1',
        type: '802-3-ethernet',
        kind: 'ethernet',
        device: 'end0',
        state: 'activating',
      },
    ]);
  });

  it('picks the first activated Wi-Fi or Ethernet connection, not loopback', () => {
    const uplink = findUplink(parseActiveConnections(output));
    expect(uplink?.name).toBe('Home: 5G');
    expect(describeUplink(uplink!)).toBe('Wi-Fi "Home: 5G" on wlan0');
  });

  it('accepts Ethernet and the pretty type aliases', () => {
    const uplink = findUplink(parseActiveConnections('Wired:ethernet:eth0:activated\r\n'));
    expect(uplink && describeUplink(uplink)).toBe('Ethernet "Wired" on eth0');
  });

  it('finds nothing when only loopback or activating connections exist', () => {
    expect(
      findUplink(parseActiveConnections('lo:loopback:lo:activated\nW:802-3-ethernet:eth0:activating')),
    ).toBe(null);
    expect(findUplink(parseActiveConnections(''))).toBe(null);
  });
});
