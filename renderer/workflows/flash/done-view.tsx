import type { FlashResult, TaskSnapshot } from '../../../src/contract/index.js';
import { ErrorNotice } from '../../components/error-notice.js';
import { RunRoute } from '../../components/running-view.js';
import { FlashDetails } from './flash-details.js';

type Ejected = 'yes' | 'no' | 'off' | null;

/** One card as the flash left it: its outcome sentence, and whether it was ejected (from the task's result). */
interface CardOutcome {
  device: string;
  line: string;
  ejected: Ejected;
}

function cardOutcomes(task: TaskSnapshot, result: FlashResult | null): CardOutcome[] {
  const lines = (task.outcome ?? '').split('\n').filter(Boolean);
  return (task.subject?.targets ?? []).map((device) => ({
    device,
    line: lines.find((l) => l.startsWith(`${device} `)) ?? '',
    ejected: result?.devices.find((card) => card.device === device)?.ejected ?? null,
  }));
}

/** The flash succeeded: one sentence, what went where, how to take the card out, one primary next step. */
export function DoneView({
  task,
  result,
  onFirstBoot,
  onAgain,
}: {
  task: TaskSnapshot;
  result: FlashResult | null;
  onFirstBoot: () => void;
  onAgain: () => void;
}) {
  const cards = cardOutcomes(task, result);
  const verified = result?.verified ?? (task.outcome ?? '').includes('verified by reading it back');
  const subject = cards.length > 1 ? `All ${cards.length} cards hold the image` : 'The card holds the image';
  return (
    <div className="done-view" data-testid="flash-done">
      <p className="done-headline" role="status">
        <span className="done-mark" aria-hidden="true">
          ✓
        </span>
        {subject}
        {verified ? ', verified by reading it back.' : '. It was not read back to verify it.'}
      </p>
      <RunRoute task={task} />
      <EjectAdvice cards={cards} />
      <div className="wizard-actions done-actions">
        <button type="button" className="button-quiet" onClick={onAgain}>
          Flash another
        </button>
        <button type="button" onClick={onFirstBoot}>
          Continue to first boot
        </button>
      </div>
      <FlashDetails task={task} result={result} />
    </div>
  );
}

/** How to take the card out. There is no eject button: the core ejects after a flash, and says when it could not. */
function EjectAdvice({ cards }: { cards: CardOutcome[] }) {
  const loops = cards.filter((c) => c.device.startsWith('/dev/loop'));
  const attached = cards.filter((c) => !loops.includes(c) && (c.ejected === 'no' || c.ejected === 'off'));
  const ejected = cards.filter((c) => c.ejected === 'yes');
  return (
    <div className="eject-advice">
      {ejected.length > 0 && (
        <p>
          {ejected.length === cards.length ? 'Ejected' : `${ejected.map((c) => c.device).join(', ')} ejected`}
          : you can take the card out now and put it into the Pi.
        </p>
      )}
      {attached.length > 0 && (
        <p className="notice notice-warning">
          {attached.map((c) => c.device).join(', ')} {attached.length === 1 ? 'is' : 'are'} still attached.
          Eject {attached.length === 1 ? 'it' : 'them'} before taking {attached.length === 1 ? 'it' : 'them'}{' '}
          out: use Eject (⏏) next to the card in your file manager.
        </p>
      )}
      {loops.length > 0 && (
        <p className="field-note">
          {loops.map((c) => c.device).join(', ')}: a loop device (a file used as a disk), so there is no card
          to take out.
        </p>
      )}
    </div>
  );
}

/** The flash failed or was stopped: what happened, what state the cards are in, and back to the choice. */
export function EndedView({
  task,
  result,
  onAgain,
}: {
  task: TaskSnapshot;
  result: FlashResult | null;
  onAgain: () => void;
}) {
  // A tool's raw output can follow the first line: that belongs to the log, below, not the headline.
  const error = task.error ? { ...task.error, message: task.error.message.split('\n')[0] ?? '' } : null;
  return (
    <div className="done-view" data-testid="flash-ended">
      {task.state === 'failed' && error && <ErrorNotice error={error} />}
      {task.state === 'cancelled' && (
        <p className="done-headline" role="status">
          Stopped.
        </p>
      )}
      {task.outcome && (
        <p className="notice notice-warning" role="status">
          {task.outcome.split('\n').map((line, i) => (
            <span key={i} className="outcome-line">
              {i > 0 && <br />}
              {line}
            </span>
          ))}
        </p>
      )}
      <RunRoute task={task} />
      <div className="wizard-actions done-actions">
        <button type="button" onClick={onAgain}>
          Back to the image and card
        </button>
      </div>
      <FlashDetails task={task} result={result} />
    </div>
  );
}
