import { useEffect, useState } from 'react';
import type { HostProfile } from '../../../src/contract/index.js';
import { call, companion } from '../../lib/companion.js';
import { useStepFocus } from '../../lib/use-step-focus.js';
import { useReattach } from '../../lib/use-reattach.js';
import { useTask } from '../../lib/use-task.js';
import { PageFrame } from '../../components/page-frame.js';
import { assertNever, type Navigate, type PageEntry } from '../navigation.js';
import { DoneStep } from './done-step.js';
import { HostStep } from './host-step.js';
import { InputsStep } from './inputs-step.js';
import { ReviewStep } from './review-step.js';
import { RunStep } from './run-step.js';
import { stepTitles, useProvisionForms, type WizardStep } from './wizard-state.js';

/** The provisioning wizard: host → inputs → review → run → pin, as a state machine. */
export function ProvisionPage({ page, onNavigate }: { page: PageEntry; onNavigate: Navigate }) {
  const [step, setStep] = useState<WizardStep>({ kind: 'host' });
  const task = useTask(step.kind === 'running' || step.kind === 'done' ? step.taskId : null);
  const [doneHost, setDoneHost] = useState<HostProfile | null>(null);
  const forms = useProvisionForms();
  const { forget } = forms;
  const heading = useStepFocus<HTMLHeadingElement>(step.kind);
  // Opened (or reloaded) while a run goes on: show that run, not an empty form for the same host.
  useReattach('provision', (host, running) =>
    setStep((now) => (now.kind === 'host' ? { kind: 'running', host, taskId: running.id } : now)),
  );

  useEffect(() => {
    if (step.kind !== 'running' || task?.id !== step.taskId || task.state !== 'succeeded') return;
    const name = step.host.name;
    call(companion().hosts.list({}))
      .then((hosts) => {
        forget(name);
        setDoneHost(hosts.find((h) => h.name === name) ?? null);
        setStep({ kind: 'done', hostName: name, taskId: step.taskId });
      })
      .catch(() => undefined);
  }, [step, task?.id, task?.state, forget]);

  return (
    <PageFrame page={page}>
      <ol className="stepper" aria-label="Provisioning steps">
        {Object.entries(stepTitles).map(([kind, title]) => (
          <li key={kind} aria-current={kind === step.kind ? 'step' : undefined}>
            {title}
          </li>
        ))}
      </ol>
      <h2 className="step-title" ref={heading} tabIndex={-1}>
        {stepTitles[step.kind]}
      </h2>
      {renderStep()}
    </PageFrame>
  );

  function renderStep() {
    switch (step.kind) {
      case 'host':
        return <HostStep onNext={(host) => setStep({ kind: 'inputs', host })} />;
      case 'inputs':
        return (
          <InputsStep
            form={forms.formOf(step.host)}
            onForm={(patch) => forms.edit(step.host, patch)}
            onBack={() => setStep({ kind: 'host' })}
            onChecked={(request, plan) => setStep({ kind: 'review', host: step.host, request, plan })}
          />
        );
      case 'review':
        return (
          <ReviewStep
            request={step.request}
            plan={step.plan}
            onBack={() => setStep({ kind: 'inputs', host: step.host })}
            onStarted={(taskId) => setStep({ kind: 'running', host: step.host, taskId })}
          />
        );
      case 'running':
        return <RunStep task={task} onBack={() => setStep({ kind: 'inputs', host: step.host })} />;
      case 'done':
        return doneHost ? (
          <DoneStep
            host={doneHost}
            outcome={task?.outcome ?? null}
            onAgain={() => setStep({ kind: 'host' })}
            onFlash={(image) => onNavigate({ page: 'flash', image, host: doneHost.name })}
          />
        ) : (
          <p>Loading the result…</p>
        );
      default:
        return assertNever(step);
    }
  }
}
