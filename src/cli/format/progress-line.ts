import type { TaskProgress } from '../../contract/index.js';
import { etaSeconds } from '../../tasks/index.js';
import { formatAmount, formatRate } from './format-amount.js';
import { formatClock } from './format-time.js';

/** Share done in 0..1, or null when the total is unknown (the bar is then indeterminate). */
export function progressFraction(progress: Pick<TaskProgress, 'done' | 'total'>): number | null {
  if (progress.total === null || progress.total <= 0) return null;
  return Math.min(1, Math.max(0, progress.done / progress.total));
}

/** A fixed-width bar; an unknown total draws an empty track rather than a made-up share. */
export function renderBar(fraction: number | null, width: number): string {
  const filled = fraction === null ? 0 : Math.round(fraction * width);
  return '█'.repeat(filled) + '░'.repeat(Math.max(0, width - filled));
}

/**
 * One status line: `counting [███░░] 60%  3 / 5 steps  49.8 steps/s  ETA 0:01`. Without `barWidth` there is no bar
 * (plain output for logs and pipes). Percent and ETA are left out when the total is unknown.
 */
export function formatProgressLine(progress: TaskProgress, options: { barWidth?: number } = {}): string {
  const fraction = progressFraction(progress);
  const head = [progress.phase];
  if (options.barWidth) head.push(`[${renderBar(fraction, options.barWidth)}]`);
  if (fraction !== null) head.push(`${Math.floor(fraction * 100)}%`);
  const parts = [head.join(' '), formatAmount(progress.done, progress.total, progress.unit)];
  parts.push(formatRate(progress.rate, progress.unit));
  if (fraction !== null)
    parts.push(`ETA ${formatClock(etaSeconds(progress.done, progress.total, progress.rate))}`);
  return parts.join('  ');
}
