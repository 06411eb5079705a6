import type { HostProfile } from '../../../src/contract/index.js';

/** The wizard's steps; the page switches over `kind` with assertNever, so a new step cannot be forgotten. */
export type FirstBootStep =
  | { kind: 'host' }
  | { kind: 'prepare'; host: HostProfile }
  | { kind: 'running'; host: HostProfile; taskId: string; limitSeconds: number };

/** How long the wizard waits for the Pi to answer, asked of the core with each run and shown while waiting. */
export const WAIT_LIMIT_SECONDS = 15 * 60;

/** How long a NixOS Pi's first boot usually takes: it grows the root partition and registers the store first. */
export const EXPECTED_FIRST_BOOT = { fromSeconds: 60, toSeconds: 300 };

/** What to expect of the wait: the usual range, or once it is passed, what to look at. */
export function bootTimeNote(elapsedSeconds: number): string {
  const { fromSeconds, toSeconds } = EXPECTED_FIRST_BOOT;
  const range = `${fromSeconds / 60}–${toSeconds / 60} minutes`;
  if (elapsedSeconds <= toSeconds) return `A first boot usually takes ${range}.`;
  return `That is longer than the usual ${range}: check the Pi's power LED and activity light, and whether it joined your Wi-Fi (your router's list of clients).`;
}

/** `1:12`, `15:00`, `1:02:03`: a stopwatch reading. */
export function formatClock(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  const s = String(whole % 60).padStart(2, '0');
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes}:${s}`;
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}:${s}`;
}

/** `192.0.2.7:22`, `[fd00::7]:22`: how the address field spells an address with its port. */
export function formatTarget(found: { address: string; port: number }): string {
  return found.address.includes(':') ? `[${found.address}]:${found.port}` : `${found.address}:${found.port}`;
}

/** A key for "the step changed", so focus moves to the new step's heading. */
export function stepKey(step: FirstBootStep): string {
  switch (step.kind) {
    case 'host':
      return 'host';
    case 'prepare':
      return `prepare:${step.host.name}`;
    case 'running':
      return `running:${step.taskId}`;
  }
}
