import { useState } from 'react';
import type { ErrorInfo, HostProfile } from '../../../src/contract/index.js';
import { ErrorNotice } from '../../components/error-notice.js';
import { PageFrame } from '../../components/page-frame.js';
import { call, companion, errorInfo } from '../../lib/companion.js';
import { useCompanionEvents } from '../../lib/use-companion-events.js';
import { useLoad } from '../../lib/use-load.js';
import { useReattach } from '../../lib/use-reattach.js';
import { useStepFocus } from '../../lib/use-step-focus.js';
import { assertNever, type PageEntry, type PageIntent } from '../navigation.js';
import { stepKey, WAIT_LIMIT_SECONDS, type FirstBootStep } from './first-boot-state.js';
import { rebased } from './host-draft.js';
import { PrepareStep } from './prepare-step.js';
import { RunView } from './run-view.js';
import { useHandOver } from './use-hand-over.js';
import { useHostDrafts } from './use-host-drafts.js';

/** Asks the core to look for the host's Pi, with the wizard's time limit. */
function startRun(host: HostProfile, address: string | null, trustPresentedKey?: string) {
  return call(
    companion().firstBoot.start({
      host: host.name,
      timeoutSeconds: WAIT_LIMIT_SECONDS,
      ...(address ? { address } : {}),
      ...(trustPresentedKey ? { trustPresentedKey } : {}),
    }),
  );
}

/** First boot: pick the host → connection and checks → find, trust, log in, check → next steps. */
export function FirstBootPage({
  page,
  intent,
}: {
  page: PageEntry;
  /** "Continue to first boot" after a flash: the host whose image was written, when known. */
  intent: PageIntent<'first-boot'> | null;
}) {
  const [step, setStep] = useState<FirstBootStep>({ kind: 'host' });
  const [error, setError] = useState<ErrorInfo | null>(null);
  const drafts = useHostDrafts();
  const heading = useStepFocus<HTMLHeadingElement>(stepKey(step));
  const prepare = (host: HostProfile) => setStep({ kind: 'prepare', host });
  // Opened (or reloaded) while a run goes on: show that run and its live report.
  useReattach('first-boot', (host, running) =>
    setStep((now) =>
      now.kind === 'host'
        ? { kind: 'running', host, taskId: running.id, limitSeconds: WAIT_LIMIT_SECONDS }
        : now,
    ),
  );
  useHandOver(
    intent,
    () => setStep({ kind: 'host' }),
    prepare,
    (e) => setError(errorInfo(e)),
  );

  const start = (host: HostProfile, address: string | null, trustPresentedKey?: string) => {
    setError(null);
    startRun(host, address, trustPresentedKey)
      .then(({ id }) => setStep({ kind: 'running', host, taskId: id, limitSeconds: WAIT_LIMIT_SECONDS }))
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
        return (
          <div className="wizard-step">
            <h2 className="step-title" tabIndex={-1} ref={heading}>
              Which Pi is booting?
            </h2>
            <HostPicker onPick={prepare} />
          </div>
        );
      case 'prepare':
        return (
          <PrepareStep
            host={step.host}
            heading={heading}
            draft={drafts.draftFor(step.host)}
            onDraft={(change) => drafts.update(step.host, change)}
            onStart={(saved) => {
              drafts.update(saved, (draft) => rebased(draft, saved));
              start(saved, saved.access.address);
            }}
          />
        );
      case 'running':
        return (
          <RunView
            step={step}
            heading={heading}
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
  const [hosts, reload] = useLoad<HostProfile[]>(() => companion().hosts.list({}));
  // The page stays open in the background: a host provisioned meanwhile appears without a restart.
  useCompanionEvents((event) => {
    if (event.type === 'task.updated' && event.task.kind === 'provision' && event.task.state === 'succeeded')
      reload();
  });
  if (hosts.state === 'failed') return <ErrorNotice error={hosts.error} />;
  if (hosts.state !== 'loaded') return <p>Loading hosts…</p>;
  if (hosts.value.length === 0)
    return (
      <p className="empty">
        No hosts yet. Provision an image first; the host appears here with its pinned key.
      </p>
    );
  return (
    <ul className="host-list" aria-label="Hosts">
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
  );
}
