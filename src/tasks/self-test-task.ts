import { setTimeout as sleep } from 'node:timers/promises';
import { CompanionError } from '../errors.js';
import type { TaskResult } from '../contract/index.js';
import type { TaskRunner } from './task-types.js';

/**
 * A task that only counts: lets a user (Settings → Diagnostics) and the tests see progress, cancel and the log work
 * end to end without touching a disk or a network.
 */
export function selfTestTask(options: {
  steps: number;
  stepMs: number;
  failAt?: number;
}): TaskRunner<TaskResult<'self-test'>> {
  return async (ctx) => {
    ctx.setOutcome('Nothing was changed: the self-test only counts.');
    for (let step = 1; step <= options.steps; step++) {
      await sleep(options.stepMs, undefined, { signal: ctx.signal });
      if (step === options.failAt) {
        throw new CompanionError(
          'self-test-failure',
          `The self-test failed at step ${step}, as asked.`,
          'This failure was requested; run the self-test without "fail at" to see it succeed.',
        );
      }
      ctx.progress({ phase: 'counting', done: step, total: options.steps, unit: 'steps' });
      if (step % Math.max(1, Math.floor(options.steps / 10)) === 0)
        ctx.log(`Step ${step} of ${options.steps}`);
    }
    return { steps: options.steps };
  };
}
