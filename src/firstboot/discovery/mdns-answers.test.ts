import dnsPacket, { type Answer, type Packet } from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { addressesFor } from './mdns-answers.js';

/** A response as it comes off the wire: encoded and decoded again, so flags and casing are what a peer sends. */
function wire(answers: Answer[], additionals: Answer[] = []): Packet {
  const bytes = dnsPacket.encode({
    type: 'response',
    id: 0,
    flags: dnsPacket.AUTHORITATIVE_ANSWER,
    answers,
    additionals,
  });
  return dnsPacket.decode(bytes);
}

describe('addressesFor', () => {
  it('takes A and AAAA records from an Avahi-style answer with the cache-flush bit', () => {
    const packet = wire([
      { name: 'pi.local', type: 'A', ttl: 120, class: 'IN', flush: true, data: '192.0.2.7' },
      { name: 'pi.local', type: 'AAAA', ttl: 120, class: 'IN', flush: true, data: '2001:DB8::7' },
    ]);
    expect(packet.answers?.[0]).toMatchObject({ flush: true });
    expect(addressesFor('pi.local', packet)).toEqual(['192.0.2.7', '2001:db8::7']);
  });

  it('ignores records for another name', () => {
    const packet = wire([
      { name: 'printer.local', type: 'A', ttl: 120, data: '192.0.2.99' },
      { name: 'pi.local.example', type: 'A', ttl: 120, data: '192.0.2.98' },
    ]);
    expect(addressesFor('pi.local', packet)).toEqual([]);
  });

  it('compares names case-insensitively and reads the additionals', () => {
    const packet = wire(
      [{ name: '_ssh._tcp.local', type: 'PTR', ttl: 4500, data: 'Pi._ssh._tcp.local' }],
      [
        { name: 'PI.Local', type: 'A', ttl: 120, flush: true, data: '192.0.2.7' },
        { name: 'pi.local', type: 'A', ttl: 120, flush: true, data: '192.0.2.7' },
      ],
    );
    expect(addressesFor('pi.local', packet)).toEqual(['192.0.2.7']);
  });

  it('drops IPv6 link-local addresses, which need a zone nobody told us', () => {
    const packet = wire([
      { name: 'pi.local', type: 'AAAA', ttl: 120, data: 'fe80::ba27:ebff:fe12:3456' },
      { name: 'pi.local', type: 'AAAA', ttl: 120, data: 'fd00::7' },
      { name: 'pi.local', type: 'A', ttl: 120, data: '169.254.3.4' },
    ]);
    expect(addressesFor('pi.local', packet)).toEqual(['169.254.3.4', 'fd00::7']);
  });

  it('ignores other record types and empty packets', () => {
    const packet = wire([
      { name: 'pi.local', type: 'TXT', ttl: 120, data: 'hello' },
      { name: 'pi.local', type: 'CNAME', ttl: 120, data: 'other.local' },
    ]);
    expect(addressesFor('pi.local', packet)).toEqual([]);
    expect(addressesFor('pi.local', {})).toEqual([]);
  });
});
