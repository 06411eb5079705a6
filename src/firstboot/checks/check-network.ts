import { combineOutput } from './cap-text.js';
import {
  BUILTIN_TIMEOUT_MS,
  fail,
  firstLine,
  pass,
  skipped,
  type CheckContext,
  type CheckOutcome,
} from './check-outcome.js';
import { describeUplink, findUplink, parseActiveConnections } from './nmcli-terse.js';

const ACTIVE_CONNECTIONS = 'nmcli -t -f NAME,TYPE,DEVICE,STATE connection show --active';
const DEVICES = 'nmcli -t -f DEVICE,TYPE,STATE device';

/**
 * Asks NetworkManager for an activated Wi-Fi or Ethernet connection. A host without nmcli is skipped, not failed:
 * NixOS hosts may use systemd-networkd instead, and the profile's own checks can cover those.
 */
export async function checkNetwork(ctx: CheckContext): Promise<CheckOutcome> {
  const run = (command: string) =>
    ctx.shell.exec(command, { signal: ctx.signal, timeoutMs: BUILTIN_TIMEOUT_MS });
  const active = await run(ACTIVE_CONNECTIONS);
  if (active.exitCode === 127) {
    return skipped(
      'NetworkManager is not installed (no nmcli); the host may use systemd-networkd',
      combineOutput(active.stdout, active.stderr),
    );
  }
  if (active.timedOut) return fail(`nmcli did not answer within ${BUILTIN_TIMEOUT_MS / 1000} s`);
  if (active.exitCode !== 0) {
    // e.g. exit 8, "Error: NetworkManager is not running."
    const why = firstLine(active.stderr) || `exit ${active.exitCode ?? 'none'}`;
    return fail(`nmcli failed: ${why}`, combineOutput(active.stdout, active.stderr));
  }
  const connections = parseActiveConnections(active.stdout);
  const uplink = findUplink(connections);
  if (uplink) return pass(`connected via ${describeUplink(uplink)}`, active.stdout);

  const pending = connections.find((c) => c.kind !== 'other');
  const detail = pending ? ` (${JSON.stringify(pending.name)} is ${pending.state})` : '';
  const devices = await run(DEVICES);
  return fail(
    `no active Wi-Fi or Ethernet connection${detail}`,
    combineOutput(devices.stdout, devices.stderr),
  );
}
