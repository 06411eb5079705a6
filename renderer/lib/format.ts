import type { TaskProgress } from '../../src/contract/index.js';

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** Decimal units, as drive makers and dd print them (a "32 GB" card shows as 32 GB). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(unit === 0 || value >= 100 ? 0 : 1)} ${UNITS[unit]}`;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

export function formatAmount(value: number, unit: TaskProgress['unit']): string {
  return unit === 'bytes' ? formatBytes(value) : `${Math.round(value)}`;
}

export function formatRate(rate: number | null, unit: TaskProgress['unit']): string | null {
  if (rate === null) return null;
  return unit === 'bytes' ? `${formatBytes(rate)}/s` : `${rate.toFixed(rate < 10 ? 1 : 0)} ${unit}/s`;
}

export function etaOf(progress: TaskProgress): number | null {
  if (progress.total === null || !progress.rate) return null;
  return Math.max(0, (progress.total - progress.done) / progress.rate);
}

/** "1.2 GB of 4.0 GB · 35 MB/s · 1m 31s left" — what a progress bar says in words. */
export function describeProgress(progress: TaskProgress): string {
  const parts = [
    progress.total === null
      ? formatAmount(progress.done, progress.unit)
      : `${formatAmount(progress.done, progress.unit)} of ${formatAmount(progress.total, progress.unit)}`,
  ];
  const rate = formatRate(progress.rate, progress.unit);
  if (rate) parts.push(rate);
  const eta = etaOf(progress);
  if (eta !== null) parts.push(`${formatDuration(eta)} left`);
  return parts.join(' · ');
}
