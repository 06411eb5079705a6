import { useState, type FormEvent } from 'react';
import type { ErrorInfo } from '../../../src/contract/index.js';
import { ErrorNotice } from '../../components/error-notice.js';
import { call, companion, errorInfo } from '../../lib/companion.js';

/**
 * Diagnostics: a task that only counts, to check progress, cancel and logs end to end. The numbers go to the core
 * as typed, so its validation (not this form's) decides what is acceptable.
 */
export function SelfTestForm() {
  const [steps, setSteps] = useState('50');
  const [stepMs, setStepMs] = useState('100');
  const [started, setStarted] = useState<string | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    call(companion().tasks.startSelfTest({ steps: Number(steps), stepMs: Number(stepMs) }))
      .then(({ id }) => {
        setError(null);
        setStarted(id);
      })
      .catch((e: unknown) => setError(errorInfo(e)));
  };

  return (
    <form onSubmit={submit} aria-labelledby="self-test-title">
      <fieldset>
        <legend id="self-test-title">Diagnostics: task self-test</legend>
        <label>
          Steps
          <input name="steps" inputMode="numeric" value={steps} onChange={(e) => setSteps(e.target.value)} />
        </label>
        <label>
          Milliseconds per step
          <input
            name="stepMs"
            inputMode="numeric"
            value={stepMs}
            onChange={(e) => setStepMs(e.target.value)}
          />
        </label>
        <button type="submit">Run self-test</button>
        {started && (
          <p className="field-note" role="status">
            Started; follow it in the Tasks panel.
          </p>
        )}
        {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      </fieldset>
    </form>
  );
}
