/** Smoothed rate (units/s) from cumulative samples; exponential smoothing keeps ETA from jumping on bursty I/O. */
export class RateMeter {
  private last: { at: number; done: number } | null = null;
  private smoothed: number | null = null;

  constructor(private readonly halfLifeMs = 3000) {}

  sample(done: number, at: number): number | null {
    if (this.last && at > this.last.at) {
      const dt = at - this.last.at;
      const instant = Math.max(0, ((done - this.last.done) / dt) * 1000);
      const weight = 1 - Math.pow(0.5, dt / this.halfLifeMs);
      this.smoothed = this.smoothed === null ? instant : this.smoothed + (instant - this.smoothed) * weight;
    }
    if (!this.last || at > this.last.at) this.last = { at, done };
    return this.smoothed;
  }
}

/** Seconds left, or null when it cannot be known (no total, no rate yet, stalled). */
export function etaSeconds(done: number, total: number | null, rate: number | null): number | null {
  if (total === null || rate === null || rate <= 0) return null;
  return Math.max(0, (total - done) / rate);
}
