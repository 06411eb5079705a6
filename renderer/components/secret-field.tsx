import { useState } from 'react';
import { useFieldLines, type FieldLines } from './field-description.js';

export interface SecretFieldProps extends FieldLines {
  label: string;
  value: string;
  onChange: (value: string) => void;
  name?: string;
  /** The name of a toggle that shows the typed value; without it the value stays masked. */
  revealLabel?: string;
}

/**
 * A password or passphrase: masked, shown only while the user asks, never autofilled. The value lives in
 * React state only; nothing here logs it or puts it anywhere but the input.
 */
export function SecretField({ label, value, onChange, name, revealLabel, ...described }: SecretFieldProps) {
  const [shown, setShown] = useState(false);
  const { aria, lines } = useFieldLines(described);
  const field = (
    <label>
      {label}
      <input
        {...aria}
        name={name}
        type={shown ? 'text' : 'password'}
        autoComplete="off"
        spellCheck={false}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </label>
  );
  const withToggle = revealLabel ? (
    <div className="check">
      {field}
      <button type="button" className="button-quiet" aria-pressed={shown} onClick={() => setShown((s) => !s)}>
        {revealLabel}
      </button>
    </div>
  ) : (
    field
  );
  if (!described.problem && !described.note && !described.status) return withToggle;
  return (
    <div className="checked-field">
      {withToggle}
      {lines}
    </div>
  );
}
