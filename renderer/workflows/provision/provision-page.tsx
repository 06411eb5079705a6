import { useEffect, useState } from 'react';
import type { HostProfile } from '../../../src/contract/index.js';
import { call, companion } from '../../lib/companion.js';
import { useTask } from '../../lib/use-task.js';
import { PageFrame } from '../../components/page-frame.js';
import { assertNever, type PageEntry } from '../navigation.js';
import { DoneStep } from './done-step.js';
import { HostStep } from './host-step.js';
import { InputsStep } from './inputs-step.js';
import { ReviewStep } from './review-step.js';
import { RunStep } from './run-step.js';
import { stepTitles, type WizardStep } from './wizard-state.js';

/** The provisioning wizard: host → inputs → review → run → pin, as a state machine. */
export function ProvisionPage({ page }: { page: PageEntry }) {
  const [step, setStep] = useState<WizardStep>({ kind: 'host' });
  const task = useTask(step.kind === 'running' || step.kind === 'done' ? step.taskId : null);
  const [doneHost, setDoneHost] = useState<HostProfile | null>(null);

  useEffect(() => {
    if (step.kind !== 'running' || task?.id !== step.taskId || task.state !== 'succeeded') return;
    const name = step.host.name;
    call(companion().hosts.list({}))
      .then((hosts) => {
        setDoneHost(hosts.find((h) => h.name === name) ?? null);
        setStep({ kind: 'done', hostName: name, taskId: step.taskId });
      })
      .catch(() => undefined);
  }, [step, task?.id, task?.state]);

  return (
    <PageFrame page={page}>
      <ol className="stepper" aria-label="Steps">
        {Object.entries(stepTitles).map(([kind, title]) => (
          <li key={kind} aria-current={kind === step.kind ? 'step' : undefined}>
            {title}
          </li>
        ))}
      </ol>
      <h2 className="step-title">{stepTitles[step.kind]}</h2>
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
            host={step.host}
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
            onStarted={(taskId) =>
              setStep({ kind: 'running', host: step.host, request: step.request, taskId })
            }
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
          />
        ) : (
          <p>Loading the result…</p>
        );
      default:
        return assertNever(step);
    }
  }
}
