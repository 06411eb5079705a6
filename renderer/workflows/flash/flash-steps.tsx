import type { RefObject } from 'react';
import type { DriveChoice, TaskSnapshot } from '../../../src/contract/index.js';
import { call, companion } from '../../lib/companion.js';
import type { Action } from '../../lib/use-action.js';
import type { FlashOptions } from './choose-step.js';

export type Step =
  { kind: 'choose' } | { kind: 'confirm'; picked: DriveChoice[] } | { kind: 'running'; taskId: string };

const STEPS = ['Image and card', 'Confirm', 'Write and verify'] as const;

/** A write still going (or not seen yet): the page stays on it. */
export const isLive = (task: TaskSnapshot | undefined) =>
  !task || task.state === 'running' || task.state === 'queued';

/** The stepper and the step's heading, which takes focus when the step changes. */
export function FlashStepHeader({
  step,
  task,
  heading,
}: {
  step: Step['kind'];
  task: TaskSnapshot | undefined;
  heading: RefObject<HTMLHeadingElement | null>;
}) {
  const current = step === 'choose' ? 0 : step === 'confirm' ? 1 : 2;
  return (
    <>
      <ol className="stepper" aria-label="Flash steps">
        {STEPS.map((title, i) => (
          <li key={title} aria-current={i === current ? 'step' : undefined}>
            {title}
          </li>
        ))}
      </ol>
      <h2 className="step-title" tabIndex={-1} ref={heading}>
        {stepTitle(step, task)}
      </h2>
    </>
  );
}

function stepTitle(kind: Step['kind'], task: TaskSnapshot | undefined): string {
  if (kind === 'choose') return 'Choose the image and the card';
  if (kind === 'confirm') return 'Check what will be erased';
  switch (task?.state) {
    case 'succeeded':
      return 'Done';
    case 'failed':
      return 'The flash failed';
    case 'cancelled':
      return 'Flash stopped';
    default:
      return 'Writing the card';
  }
}

/** Asks the core to flash the picked drives; the new task's id goes to `onStarted`. */
export function startFlash(
  action: Action,
  options: FlashOptions,
  picked: DriveChoice[],
  confirmed: boolean,
  onStarted: (taskId: string) => void,
) {
  action.run(
    () =>
      call(
        companion().flash.start({
          image: options.image.trim(),
          devices: picked.map((c) => c.drive.device),
          verify: options.verify,
          showAllDrives: options.showAll,
          confirmed,
        }),
      ),
    ({ id }) => onStarted(id),
  );
}
