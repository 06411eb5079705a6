import type { HostProfile } from '../../../src/contract/index.js';

/** The wizard's steps; the page switches over `kind` with assertNever, so a new step cannot be forgotten. */
export type FirstBootStep =
  | { kind: 'host' }
  | { kind: 'prepare'; host: HostProfile }
  | { kind: 'running'; host: HostProfile; taskId: string };

/** How long a NixOS Pi's first boot usually takes: it grows the root partition and registers the store first. */
export const EXPECTED_FIRST_BOOT = { fromSeconds: 60, toSeconds: 300 };

/** "1 min 20 s — usually 1–5 min", or a nudge once the usual range is passed. */
export function describeBootTime(elapsedSeconds: number): string {
  const whole = Math.floor(elapsedSeconds);
  const elapsed = whole < 60 ? `${whole} s` : `${Math.floor(whole / 60)} min ${whole % 60} s`;
  const { fromSeconds, toSeconds } = EXPECTED_FIRST_BOOT;
  const range = `${fromSeconds / 60}–${toSeconds / 60} min`;
  if (elapsedSeconds <= toSeconds) return `${elapsed} — a first boot usually takes ${range}`;
  return `${elapsed} — longer than the usual ${range}: check the Pi's power LED and activity light, and whether it joined your Wi-Fi (your router's list of clients)`;
}

/** `192.0.2.7:22`, `[fd00::7]:22`: how the address field spells an address with its port. */
export function formatTarget(found: { address: string; port: number }): string {
  return found.address.includes(':') ? `[${found.address}]:${found.port}` : `${found.address}:${found.port}`;
}
