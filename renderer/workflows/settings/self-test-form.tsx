import { useState, type FormEvent } from 'react';
import { ActionError } from '../../components/action-error.js';
import { TextField } from '../../components/text-field.js';
import { call, companion } from '../../lib/companion.js';
import { useAction } from '../../lib/use-action.js';

/**
 * Diagnostics: a task that only counts, to check progress, cancel and logs end to end. The numbers go to the core
 * as typed, so its validation (not this form's) decides what is acceptable.
 */
export function SelfTestForm() {
  const [steps, setSteps] = useState('50');
  const [stepMs, setStepMs] = useState('100');
  const [started, setStarted] = useState<string | null>(null);
  const action = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    action.run(
      () => call(companion().tasks.startSelfTest({ steps: Number(steps), stepMs: Number(stepMs) })),
      ({ id }) => setStarted(id),
    );
  };

  return (
    <form onSubmit={submit} aria-labelledby="self-test-title">
      <fieldset>
        <legend id="self-test-title">Diagnostics: task self-test</legend>
        <TextField label="Steps" name="steps" inputMode="numeric" value={steps} onChange={setSteps} />
        <TextField
          label="Milliseconds per step"
          name="stepMs"
          inputMode="numeric"
          value={stepMs}
          onChange={setStepMs}
        />
        <button type="submit">Run self-test</button>
        {started && (
          <p className="field-note" role="status">
            Started; follow it in the Tasks panel.
          </p>
        )}
        <ActionError action={action} />
      </fieldset>
    </form>
  );
}
