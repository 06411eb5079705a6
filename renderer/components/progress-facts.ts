import type { TaskProgress } from '../../src/contract/index.js';
import { etaOf, formatAmount, formatDuration, formatRate } from '../lib/format.js';

/** A phase's first seconds: the rate is still a guess, and the time left jumps about. */
const RATE_AFTER_MS = 1500;
const ETA_AFTER_MS = 3000;

/** The core's phase names, as a sentence a user reads. */
const PHASE_WORDS: Record<string, string> = {
  writing: 'Writing the card',
  verifying: 'Reading the card back to verify it',
  decompressing: 'Unpacking the image',
  injecting: 'Putting the bootstrap files into the image',
  building: 'Building the image with Nix',
  finding: 'Looking for the Pi',
  'checking-host-key': 'Checking its host key',
  'logging-in': 'Logging in',
  checking: 'Running the checks',
};

export interface ProgressFacts {
  phase: string;
  /** Whole percent, null while the total is unknown. */
  percent: number | null;
  /** "1.2 GB of 4.0 GB" */
  amount: string;
  rate: string | null;
  /** "about 1m 31s left": null until it means something. */
  eta: string | null;
}

export function phaseWords(phase: string): string {
  return PHASE_WORDS[phase] ?? phase.charAt(0).toUpperCase() + phase.slice(1);
}

/** What a progress view says, given how long the current phase has run (`phaseMs`). */
export function progressFacts(progress: TaskProgress, phaseMs: number): ProgressFacts {
  const { done, total, unit } = progress;
  const percent = total === null ? null : Math.min(100, Math.floor((done / Math.max(total, 1)) * 100));
  // Steps without a total say nothing (first boot: how long the Pi takes is not known).
  const amount =
    total !== null
      ? `${formatAmount(done, unit)} of ${formatAmount(total, unit)}`
      : unit === 'steps'
        ? ''
        : formatAmount(done, unit);
  const settled = phaseMs >= RATE_AFTER_MS && done > 0;
  const rate = settled && progress.rate ? formatRate(progress.rate, unit) : null;
  const left = etaOf(progress);
  const eta =
    phaseMs >= ETA_AFTER_MS && left !== null && left >= 1 && percent !== 100
      ? `about ${formatDuration(left)} left`
      : null;
  return { phase: phaseWords(progress.phase), percent, amount, rate, eta };
}

/** "pi-garage.img", or the path itself when it has no folder. */
export function baseName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).at(-1) ?? path;
}
