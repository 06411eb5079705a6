import { useEffect, useState } from 'react';
import type { DriveChoice, ErrorInfo } from '../../../src/contract/index.js';
import { ErrorNotice } from '../../components/error-notice.js';
import { PathField } from '../../components/path-field.js';
import { TaskProgressBar } from '../../components/task-progress.js';
import { call, companion, errorInfo } from '../../lib/companion.js';
import { formatBytes } from '../../lib/format.js';
import { useTask } from '../../lib/use-task.js';
import { PageFrame } from '../../components/page-frame.js';
import { assertNever, type PageEntry } from '../navigation.js';
import { DriveList } from './drive-list.js';

type Step =
  { kind: 'choose' } | { kind: 'confirm'; picked: DriveChoice[] } | { kind: 'running'; taskId: string };

const REFRESH_MS = 2000;
/** As many cards as the privileged writer takes in one request. */
const MAX_CARDS = 8;

/** Flash: image → drive (with the policy's verdicts, live) → confirm → write and verify. */
export function FlashPage({ page, onFirstBoot }: { page: PageEntry; onFirstBoot: () => void }) {
  const [image, setImage] = useState('');
  const [showAll, setShowAll] = useState(false);
  const [verify, setVerify] = useState(true);
  const [choices, setChoices] = useState<DriveChoice[]>([]);
  const [selected, setSelected] = useState<string[]>([]);
  const [confirmed, setConfirmed] = useState(false);
  const [step, setStep] = useState<Step>({ kind: 'choose' });
  const [error, setError] = useState<ErrorInfo | null>(null);
  const task = useTask(step.kind === 'running' ? step.taskId : null);

  // Live refresh: a card inserted or removed shows up within two seconds.
  useEffect(() => {
    if (step.kind !== 'choose') return;
    let live = true;
    const load = () =>
      call(
        companion().flash.drives({
          showAllDrives: showAll,
          ...(image.trim() ? { image: image.trim() } : {}),
        }),
      )
        .then((list) => live && setChoices(list))
        .catch((e: unknown) => live && setError(errorInfo(e)));
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [showAll, image, step.kind]);

  const toggle = (device: string, on: boolean) =>
    setSelected((now) =>
      on ? [...now.filter((d) => d !== device), device] : now.filter((d) => d !== device),
    );

  const start = (picked: DriveChoice[]) => {
    call(
      companion().flash.start({
        image: image.trim(),
        devices: picked.map((c) => c.drive.device),
        verify,
        showAllDrives: showAll,
        confirmed,
      }),
    )
      .then(({ id }) => setStep({ kind: 'running', taskId: id }))
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
      case 'choose': {
        // Only drives still listed and writable count: a card removed since it was ticked drops out.
        const picked = choices.filter((c) => selected.includes(c.drive.device) && c.verdict.writable);
        return (
          <div className="wizard-step">
            <PathField
              label="Image to flash"
              purpose="open-file"
              value={image}
              onChange={setImage}
              filters={[{ name: 'Disk images', extensions: ['img', 'zst', 'xz', 'gz'] }]}
            />
            <fieldset>
              <legend>Drive</legend>
              <DriveList choices={choices} selected={selected} onToggle={toggle} />
              <label className="check">
                <input type="checkbox" checked={showAll} onChange={(e) => setShowAll(e.target.checked)} />
                Show all drives (internal disks need an explicit confirmation; system disks are never offered)
              </label>
              <label className="check">
                <input type="checkbox" checked={verify} onChange={(e) => setVerify(e.target.checked)} />
                Verify by reading the card back (recommended)
              </label>
            </fieldset>
            <div className="wizard-actions">
              <button
                type="button"
                disabled={picked.length === 0 || picked.length > MAX_CARDS || !image.trim()}
                onClick={() => (setConfirmed(false), setStep({ kind: 'confirm', picked }))}
              >
                Next
              </button>
            </div>
          </div>
        );
      }
      case 'confirm': {
        const { picked } = step;
        const toConfirm = picked.filter((c) => c.verdict.needsConfirmation);
        const needsConfirmation = toConfirm.length > 0;
        return (
          <div className="wizard-step">
            <div className="notice notice-warning" role="status">
              Everything on {picked.length === 1 ? 'this drive' : `these ${picked.length} drives`} will be
              erased and replaced by <code>{image}</code>:
              <ul aria-label="Drives to erase">
                {picked.map(({ drive }) => (
                  <li key={drive.device}>
                    <strong>{drive.model ?? drive.name}</strong> ({formatBytes(drive.sizeBytes)},{' '}
                    {drive.device})
                  </li>
                ))}
              </ul>
            </div>
            {needsConfirmation && (
              <label className="check">
                <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} />
                Yes, erase {toConfirm.map((c) => c.verdict.confirmationText).join(' and ')}
              </label>
            )}
            <div className="wizard-actions">
              <button type="button" className="button-quiet" onClick={() => setStep({ kind: 'choose' })}>
                Back
              </button>
              <button type="button" disabled={needsConfirmation && !confirmed} onClick={() => start(picked)}>
                Flash
              </button>
            </div>
          </div>
        );
      }
      case 'running':
        return (
          <div className="wizard-step" data-state={task?.state}>
            {task?.state === 'running' && (
              <>
                <TaskProgressBar task={task} />
                <button type="button" onClick={() => void companion().tasks.cancel({ id: task.id })}>
                  Cancel (the card will need flashing again)
                </button>
              </>
            )}
            {task?.state === 'failed' && task.error && <ErrorNotice error={task.error} />}
            {task && task.state !== 'running' && task.outcome && (
              <p
                className={`notice ${task.state === 'succeeded' ? 'notice-info' : 'notice-warning'}`}
                role="status"
              >
                {/* One line per card. */}
                {task.outcome.split('\n').map((line, i) => (
                  <span key={i} className="outcome-line">
                    {i > 0 && <br />}
                    {line}
                  </span>
                ))}
              </p>
            )}
            {task && task.state !== 'running' && (
              <div className="wizard-actions">
                {task.state === 'succeeded' && (
                  <button type="button" onClick={onFirstBoot}>
                    Continue to first boot
                  </button>
                )}
                <button type="button" className="button-quiet" onClick={() => setStep({ kind: 'choose' })}>
                  Flash another
                </button>
              </div>
            )}
          </div>
        );
      default:
        return assertNever(step);
    }
  }
}
