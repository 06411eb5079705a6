import type { ReactNode } from 'react';
import { useFieldLines, type FieldLines } from './field-description.js';

export interface TextFieldProps extends FieldLines {
  /** The accessible name; tests and screen readers find the field by it. */
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  name?: string;
  placeholder?: string;
  maxLength?: number;
  /** Names, addresses, commands and paths are not prose. */
  spellCheck?: boolean;
  autoComplete?: string;
  inputMode?: 'numeric' | 'text';
}

/** A labelled one-line text input, with its note, status and problem under it. */
export function TextField({ label, value, onChange, problem, note, status, ...input }: TextFieldProps) {
  const { aria, lines } = useFieldLines({ problem, note, status });
  const field = (
    <label>
      {label}
      <input {...input} {...aria} value={value} onChange={(e) => onChange(e.target.value)} />
    </label>
  );
  if (!problem && !note && !status) return field;
  return (
    <div className="checked-field">
      {field}
      {lines}
    </div>
  );
}
