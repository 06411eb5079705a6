import type { Drive } from '../drives/drive.js';
import { type CommandAttempt, runFirstWorking } from '../prepare/drive-commands.js';

/** How to eject, or why not to try. */
export type EjectPlan = { kind: 'run'; attempts: CommandAttempt[] } | { kind: 'skip'; reason: string };

/**
 * Linux: `udisksctl power-off` (flushes, detaches and powers down the reader slot, no root for removable media),
 * else `eject`. macOS: `diskutil eject`. Loop devices are files, not cards: there is nothing to take out.
 */
export function planEject(drive: Drive, platform: NodeJS.Platform): EjectPlan {
  if (drive.bus === 'loop' || /^\/dev\/loop\d+$/.test(drive.device)) {
    return { kind: 'skip', reason: `${drive.device} is a loop device (a file), not a removable card` };
  }
  if (platform === 'darwin') {
    return { kind: 'run', attempts: [{ program: 'diskutil', args: ['eject', drive.device] }] };
  }
  return {
    kind: 'run',
    attempts: [
      { program: 'udisksctl', args: ['power-off', '-b', drive.device, '--no-user-interaction'] },
      { program: 'eject', args: [drive.device] },
    ],
  };
}

/**
 * Ejects the card after a successful flash. Never throws for a failed eject: the image is on the card and verified,
 * so a card that stays attached is a warning, not a failed flash. Returns whether it was ejected.
 */
export async function ejectDrive(
  drive: Drive,
  options: { log: (line: string, level?: 'info' | 'warn') => void; platform?: NodeJS.Platform },
): Promise<boolean> {
  const plan = planEject(drive, options.platform ?? process.platform);
  if (plan.kind === 'skip') {
    options.log(`Not ejecting: ${plan.reason}.`);
    return false;
  }
  const outcome = await runFirstWorking(plan.attempts, { log: (line) => options.log(line) }).catch(
    (error: unknown) => ({ ok: false, failures: [error instanceof Error ? error.message : String(error)] }),
  );
  if (outcome.ok) {
    options.log(`Ejected ${drive.device}.`);
    return true;
  }
  options.log(
    `Could not eject ${drive.device} (${outcome.failures.join('; ')}); eject it from the file manager before removing it.`,
    'warn',
  );
  return false;
}
