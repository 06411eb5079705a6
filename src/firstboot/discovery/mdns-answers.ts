import { isIPv4, isIPv6 } from 'node:net';
import type { Answer, Packet } from 'dns-packet';

/** DNS names compare case-insensitively (RFC 4343); a trailing dot is the same name. */
function sameName(a: string, b: string): boolean {
  const norm = (name: string) => name.toLowerCase().replace(/\.$/, '');
  return norm(a) === norm(b);
}

/**
 * IPv6 link-local addresses (fe80::/10) are useless without a zone (`%wlan0`), and an answer received on an IPv4
 * socket does not say which interface it belongs to; connecting without one fails with EINVAL.
 */
function isLinkLocalV6(address: string): boolean {
  return /^fe[89ab][0-9a-f]:/i.test(address);
}

function addressOf(record: Answer): string | null {
  if (record.type !== 'A' && record.type !== 'AAAA') return null;
  const data: unknown = record.data;
  if (typeof data !== 'string') return null;
  if (record.type === 'A') return isIPv4(data) ? data : null;
  return isIPv6(data) && !isLinkLocalV6(data) ? data.toLowerCase() : null;
}

/**
 * The addresses a decoded mDNS response gives for `name`: A and AAAA records of exactly that name, from the answers
 * and the additionals (responders such as Avahi put addresses there when answering other questions), IPv4 first.
 */
export function addressesFor(name: string, packet: Pick<Packet, 'answers' | 'additionals'>): string[] {
  const records = [...(packet.answers ?? []), ...(packet.additionals ?? [])];
  const found = new Set<string>();
  for (const record of records) {
    if (!sameName(record.name, name)) continue;
    const address = addressOf(record);
    if (address) found.add(address);
  }
  return [...found].sort((a, b) => Number(isIPv6(a)) - Number(isIPv6(b)));
}
