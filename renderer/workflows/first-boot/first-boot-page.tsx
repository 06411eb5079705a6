import { useState } from 'react';
import type { ErrorInfo, HostProfile } from '../../../src/contract/index.js';
import { ErrorNotice } from '../../components/error-notice.js';
import { PageFrame } from '../../components/page-frame.js';
import { call, companion, errorInfo } from '../../lib/companion.js';
import { useLoad } from '../../lib/use-load.js';
import { useTask } from '../../lib/use-task.js';
import { useTaskResult } from '../../lib/use-task-result.js';
import { assertNever, type PageEntry } from '../navigation.js';
import { formatTarget, type FirstBootStep } from './first-boot-state.js';
import { HostAccessForm } from './host-access-form.js';
import { NextStepsView } from './next-steps-view.js';
import { ReportView } from './report-view.js';

/** First boot: pick the host → connection and checks → find, trust, log in, check → next steps. */
export function FirstBootPage({ page }: { page: PageEntry }) {
  const [step, setStep] = useState<FirstBootStep>({ kind: 'host' });
  const [error, setError] = useState<ErrorInfo | null>(null);

  const start = (host: HostProfile, address: string | null, trustPresentedKey?: string) => {
    setError(null);
    call(
      companion().firstBoot.start({
        host: host.name,
        ...(address ? { address } : {}),
        ...(trustPresentedKey ? { trustPresentedKey } : {}),
      }),
    )
      .then(({ id }) => setStep({ kind: 'running', host, taskId: id }))
      .catch((e: unknown) => setError(errorInfo(e)));
  };

  return (
    <PageFrame page={page}>
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      {renderStep()}
    </PageFrame>
  );

  function renderStep() {
    switch (step.kind) {
      case 'host':
        return <HostPicker onPick={(host) => setStep({ kind: 'prepare', host })} />;
      case 'prepare':
        return (
          <div className="wizard-step">
            <ol className="guide" aria-label="Before you start">
              <li>Put the flashed card into the Pi and connect power (and Ethernet, if it has no Wi-Fi).</li>
              <li>
                The first boot is slower: NixOS grows the root partition to fill the card and registers its
                store before SSH starts. A few minutes is normal.
              </li>
              <li>Start looking now; the app keeps trying until the Pi answers.</li>
            </ol>
            {!step.host.pinnedHostKey && (
              <p className="notice notice-warning" role="status">
                {step.host.name} has no pinned host key (it was not provisioned with this app), so you will be
                asked to confirm the key it presents.
              </p>
            )}
            <HostAccessForm
              host={step.host}
              onSaved={(host) => setStep({ kind: 'prepare', host })}
              onStart={(address) => start(step.host, address)}
            />
          </div>
        );
      case 'running':
        return (
          <RunView
            step={step}
            onRestart={start}
            onBack={() => setStep({ kind: 'prepare', host: step.host })}
          />
        );
      default:
        return assertNever(step);
    }
  }
}

function HostPicker({ onPick }: { onPick: (host: HostProfile) => void }) {
  const [hosts] = useLoad<HostProfile[]>(() => companion().hosts.list({}));
  if (hosts.state === 'failed') return <ErrorNotice error={hosts.error} />;
  if (hosts.state !== 'loaded') return <p>Loading hosts…</p>;
  if (hosts.value.length === 0)
    return (
      <p className="empty">
        No hosts yet. Provision an image first; the host appears here with its pinned key.
      </p>
    );
  return (
    <fieldset className="wizard-step">
      <legend>Which Pi is booting?</legend>
      <ul className="host-list">
        {hosts.value.map((host) => (
          <li key={host.name}>
            <button type="button" onClick={() => onPick(host)} aria-label={`First boot of ${host.name}`}>
              {host.name}
            </button>
            <span className="field-note">
              {host.pinnedHostKey ? `pinned ${host.pinnedHostKey.fingerprint}` : 'no pinned key yet'}
            </span>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}

function RunView({
  step,
  onRestart,
  onBack,
}: {
  step: Extract<FirstBootStep, { kind: 'running' }>;
  onRestart: (host: HostProfile, address: string | null, trustPresentedKey?: string) => void;
  onBack: () => void;
}) {
  const task = useTask(step.taskId);
  const report = useTaskResult('first-boot', step.taskId);
  const running = task?.state === 'running' || task === undefined;
  const presented = report?.trust.presentedKeyLine;
  return (
    <div className="wizard-step" data-state={task?.state}>
      {report && <ReportView report={report} running={running} />}
      {running && (
        <button type="button" onClick={() => void companion().tasks.cancel({ id: step.taskId })}>
          Stop looking
        </button>
      )}
      {!running && task?.error && report?.trust.status !== 'mismatch' && <ErrorNotice error={task.error} />}
      {/* The mismatch box above explains; this says what to do about it. */}
      {!running && task?.error && report?.trust.status === 'mismatch' && (
        <p className="notice-hint" data-testid="mismatch-hint">
          {task.error.hint}
        </p>
      )}
      {!running && task?.state === 'succeeded' && (
        <p className="notice notice-info" role="status" data-outcome="passed">
          {step.host.name} is up, trusted and every check passed.
        </p>
      )}
      {!running && report?.passed && <NextStepsView taskId={step.taskId} steps={report.nextSteps} />}
      {!running && (
        <div className="wizard-actions">
          <button type="button" className="button-quiet" onClick={onBack}>
            Back
          </button>
          {report?.trust.status === 'unpinned' && presented && (
            <button
              type="button"
              onClick={() =>
                onRestart(step.host, report.found ? formatTarget(report.found) : null, presented)
              }
            >
              Trust {report.trust.presentedFingerprint} and continue
            </button>
          )}
          <button type="button" onClick={() => onRestart(step.host, null)}>
            Run again
          </button>
        </div>
      )}
    </div>
  );
}
