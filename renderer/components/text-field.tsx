import type { ReactNode } from 'react';

export interface TextFieldProps {
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

/** A labelled one-line text input. */
export function TextField({ label, value, onChange, ...input }: TextFieldProps) {
  return (
    <label>
      {label}
      <input {...input} value={value} onChange={(e) => onChange(e.target.value)} />
    </label>
  );
}
