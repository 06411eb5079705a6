import { useState } from 'react';

export interface SecretFieldProps {
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
export function SecretField({ label, value, onChange, name, revealLabel }: SecretFieldProps) {
  const [shown, setShown] = useState(false);
  const field = (
    <label>
      {label}
      <input
        name={name}
        type={shown ? 'text' : 'password'}
        autoComplete="off"
        spellCheck={false}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </label>
  );
  if (!revealLabel) return field;
  return (
    <div className="check">
      {field}
      <button type="button" className="button-quiet" aria-pressed={shown} onClick={() => setShown((s) => !s)}>
        {revealLabel}
      </button>
    </div>
  );
}
