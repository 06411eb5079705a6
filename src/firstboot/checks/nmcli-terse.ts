/**
 * Splits one line of `nmcli -t` (terse) output into fields. nmcli separates fields with `:` and escapes a `:` or `\`
 * inside a value with a backslash (a Wi-Fi named `Home: 5G` prints as `Home\: 5G`), so a plain `split(':')` breaks.
 */
export function splitTerseLine(line: string): string[] {
  const fields: string[] = [];
  let current = '';
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (char === '\\' && i + 1 < line.length) {
      current += line[++i];
    } else if (char === ':') {
      fields.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  fields.push(current);
  return fields;
}

export type LinkKind = 'wifi' | 'ethernet' | 'other';

export interface ActiveConnection {
  name: string;
  /** As nmcli printed it, e.g. `802-11-wireless`. */
  type: string;
  kind: LinkKind;
  device: string;
  /** `activated`, `activating`, `deactivating`, … */
  state: string;
}

// Terse mode prints setting names (`802-11-wireless`); the pretty aliases are accepted in case a version differs.
const WIFI_TYPES = new Set(['802-11-wireless', 'wifi']);
const ETHERNET_TYPES = new Set(['802-3-ethernet', 'ethernet']);

function kindOf(type: string): LinkKind {
  if (WIFI_TYPES.has(type)) return 'wifi';
  if (ETHERNET_TYPES.has(type)) return 'ethernet';
  return 'other';
}

/** Parses `nmcli -t -f NAME,TYPE,DEVICE,STATE connection show --active`; malformed lines are ignored. */
export function parseActiveConnections(stdout: string): ActiveConnection[] {
  const connections: ActiveConnection[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.trim()) continue;
    const fields = splitTerseLine(line.replace(/\r$/, ''));
    if (fields.length !== 4) continue;
    const [name = '', type = '', device = '', state = ''] = fields;
    connections.push({ name, type, kind: kindOf(type), device, state });
  }
  return connections;
}

/** The connection that puts the Pi on the network: the first activated Wi-Fi or Ethernet one, else null. */
export function findUplink(connections: readonly ActiveConnection[]): ActiveConnection | null {
  return connections.find((c) => c.state === 'activated' && c.kind !== 'other') ?? null;
}

/** One-line description of an uplink: `Wi-Fi "Home: 5G" on wlan0`. */
export function describeUplink(connection: ActiveConnection): string {
  const kind = connection.kind === 'wifi' ? 'Wi-Fi' : 'Ethernet';
  return `${kind} ${JSON.stringify(connection.name)} on ${connection.device || 'no device'}`;
}
