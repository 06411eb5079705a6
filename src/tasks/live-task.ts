import type { TaskKind, TaskSnapshot, TaskSubject } from '../contract/index.js';
import { RateMeter } from './rate-meter.js';
import type { ProgressUpdate } from './task-types.js';

/** A running task as its manager holds it. */
export interface LiveTask {
  snapshot: TaskSnapshot;
  controller: AbortController;
  meter: RateMeter;
  lastEmit: number;
  logWrites: Promise<void>;
  result: unknown;
  settled?: Promise<unknown>;
}

export function createLiveTask(
  task: { id: string; kind: TaskKind; title: string; logFile: string; subject: TaskSubject | null },
  now: number,
): LiveTask {
  return {
    snapshot: {
      ...task,
      state: 'running',
      progress: null,
      startedAt: new Date(now).toISOString(),
      endedAt: null,
      error: null,
      outcome: null,
    },
    controller: new AbortController(),
    meter: new RateMeter(),
    lastEmit: 0,
    logWrites: Promise.resolve(),
    result: null,
  };
}

/** Takes a progress report into the snapshot, with a rate measured per phase; answers whether the phase changed. */
export function applyProgress(live: LiveTask, update: ProgressUpdate, at: number): boolean {
  const phaseChanged = live.snapshot.progress?.phase !== update.phase;
  if (phaseChanged) live.meter = new RateMeter();
  const rate = live.meter.sample(update.done, at);
  live.snapshot = {
    ...live.snapshot,
    progress: {
      phase: update.phase,
      done: update.done,
      total: update.total ?? null,
      rate,
      unit: update.unit ?? live.snapshot.progress?.unit ?? 'steps',
    },
  };
  return phaseChanged;
}
