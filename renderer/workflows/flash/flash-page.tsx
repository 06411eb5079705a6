import { useState } from 'react';
import type { DriveChoice } from '../../../src/contract/index.js';
import { ActionError } from '../../components/action-error.js';
import { PageFrame } from '../../components/page-frame.js';
import { call, companion } from '../../lib/companion.js';
import { useAction } from '../../lib/use-action.js';
import { useTask } from '../../lib/use-task.js';
import { assertNever, type PageEntry } from '../navigation.js';
import { ChooseStep, type FlashOptions } from './choose-step.js';
import { ConfirmStep } from './confirm-step.js';
import { useDriveChoices } from './use-drive-choices.js';
import { WriteStep } from './write-step.js';

type Step =
  { kind: 'choose' } | { kind: 'confirm'; picked: DriveChoice[] } | { kind: 'running'; taskId: string };

/** Flash: image → drive (with the policy's verdicts, live) → confirm → write and verify. */
export function FlashPage({ page, onFirstBoot }: { page: PageEntry; onFirstBoot: () => void }) {
  const [options, setOptions] = useState<FlashOptions>({ image: '', showAll: false, verify: true });
  const [selected, setSelected] = useState<string[]>([]);
  const [step, setStep] = useState<Step>({ kind: 'choose' });
  const action = useAction();
  const choices = useDriveChoices({ ...options, active: step.kind === 'choose' }, action.fail);
  const task = useTask(step.kind === 'running' ? step.taskId : null);

  const toggle = (device: string, on: boolean) =>
    setSelected((now) =>
      on ? [...now.filter((d) => d !== device), device] : now.filter((d) => d !== device),
    );

  const start = (picked: DriveChoice[], confirmed: boolean) =>
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
      ({ id }) => setStep({ kind: 'running', taskId: id }),
    );

  return (
    <PageFrame page={page}>
      <ActionError action={action} />
      {renderStep()}
    </PageFrame>
  );

  function renderStep() {
    switch (step.kind) {
      case 'choose':
        return (
          <ChooseStep
            options={options}
            onOptions={(patch) => setOptions((now) => ({ ...now, ...patch }))}
            choices={choices}
            selected={selected}
            onToggle={toggle}
            onNext={(picked) => setStep({ kind: 'confirm', picked })}
          />
        );
      case 'confirm':
        return (
          <ConfirmStep
            image={options.image}
            picked={step.picked}
            busy={action.busy}
            onBack={() => setStep({ kind: 'choose' })}
            onFlash={(confirmed) => start(step.picked, confirmed)}
          />
        );
      case 'running':
        return (
          <WriteStep task={task} onFirstBoot={onFirstBoot} onAgain={() => setStep({ kind: 'choose' })} />
        );
      default:
        return assertNever(step);
    }
  }
}
