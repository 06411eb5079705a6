import type { TaskProgress } from '../../contract/index.js';

type Unit = TaskProgress['unit'];

// Decimal megabytes, as drive labels and most copy tools count them.
const MB = 1_000_000;

/** "120.5 / 3000.0 MB", "3 / 5 steps", or just the done part when the total is unknown. */
export function formatAmount(done: number, total: number | null, unit: Unit): string {
  if (unit === 'bytes') {
    return total === null ? `${megabytes(done)} MB` : `${megabytes(done)} / ${megabytes(total)} MB`;
  }
  return total === null ? `${count(done)} ${unit}` : `${count(done)} / ${count(total)} ${unit}`;
}

/** "12.3 MB/s" for bytes, "4.0 steps/s" otherwise; "-" until the core has a rate. */
export function formatRate(rate: number | null, unit: Unit): string {
  if (rate === null || !Number.isFinite(rate)) return '-';
  return unit === 'bytes' ? `${megabytes(rate)} MB/s` : `${rate.toFixed(1)} ${unit}/s`;
}

function megabytes(bytes: number): string {
  return (bytes / MB).toFixed(1);
}

function count(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
