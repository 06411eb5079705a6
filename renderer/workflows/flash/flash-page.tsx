import { useState } from 'react';
import { ActionError } from '../../components/action-error.js';
import { PageFrame } from '../../components/page-frame.js';
import { useAction } from '../../lib/use-action.js';
import { imageProblem, useImageInspection } from '../../lib/use-image-inspection.js';
import { useStepFocus } from '../../lib/use-step-focus.js';
import { useTask } from '../../lib/use-task.js';
import { assertNever, type Navigate, type PageEntry, type PageIntent } from '../navigation.js';
import { ChooseStep } from './choose-step.js';
import { ConfirmStep } from './confirm-step.js';
import { useRunningTaskOnOpen } from '../../lib/use-reattach.js';
import { useDriveChoices } from './use-drive-choices.js';
import { useFlashImage } from './use-flash-image.js';
import { FlashStepHeader, isLive, startFlash, type Step } from './flash-steps.js';
import { WriteStep } from './write-step.js';

/** Flash: image (checked at once) → drive (with the policy's verdicts, live) → confirm → write and verify. */
export function FlashPage({
  page,
  intent,
  onNavigate,
}: {
  page: PageEntry;
  /** "Flash this image" from provisioning: start from that image. */
  intent: PageIntent<'flash'> | null;
  onNavigate: Navigate;
}) {
  const [selected, setSelected] = useState<string[]>([]);
  const { step, setStep, task, image, options, check, action, choices, heading } = useFlashPage(intent);

  const toggle = (device: string, on: boolean) =>
    setSelected((now) => [...now.filter((d) => d !== device), ...(on ? [device] : [])]);
  const onFirstBoot = () => {
    const source = task?.subject?.source ?? options.image.trim();
    onNavigate({ page: 'first-boot', host: image.hostOf(source) });
  };
  const again = () => {
    setSelected([]);
    setStep({ kind: 'choose' });
  };

  return (
    <PageFrame page={page}>
      <FlashStepHeader step={step.kind} task={task} heading={heading} />
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
            onOptions={image.setOptions}
            check={check}
            suggestion={image.provisioned.latest}
            onUseSuggestion={() => image.provisioned.latest && image.choose(image.provisioned.latest.image)}
            choices={choices}
            selected={selected}
            onToggle={toggle}
            onShowTask={(taskId) => setStep({ kind: 'running', taskId })}
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
            onFlash={(confirmed) =>
              startFlash(action, options, step.picked, confirmed, (taskId) =>
                setStep({ kind: 'running', taskId }),
              )
            }
          />
        );
      case 'running':
        return <WriteStep taskId={step.taskId} task={task} onFirstBoot={onFirstBoot} onAgain={again} />;
      default:
        return assertNever(step);
    }
  }
}

/** The page's state: its step and task, the image (checked at once) and the drives judged against it. */
function useFlashPage(intent: PageIntent<'flash'> | null) {
  const [step, setStep] = useState<Step>({ kind: 'choose' });
  const task = useTask(step.kind === 'running' ? step.taskId : null);
  const writing = step.kind === 'running' && isLive(task);
  const image = useFlashImage(intent, !writing, () => setStep({ kind: 'choose' }));
  const { options } = image;
  const check = useImageInspection(options.image);
  const action = useAction();
  // The drives are judged against the image only once it is known to be one (size, the disk it lives on).
  const checkedImage = check.state === 'checked' && !imageProblem(check) ? check.path : '';
  const choices = useDriveChoices(
    { image: checkedImage, showAll: options.showAll, active: step.kind === 'choose' },
    action.fail,
  );
  // Back from another page or a reload during a write: show that write again, not an empty form.
  useRunningTaskOnOpen('flash', (running) => {
    setStep({ kind: 'running', taskId: running.id });
    if (running.subject?.source) image.choose(running.subject.source);
  });
  const ended = step.kind === 'running' && !isLive(task);
  const heading = useStepFocus<HTMLHeadingElement>(ended ? 'ended' : step.kind);

  return { step, setStep, task, image, options, check, action, choices, heading };
}
