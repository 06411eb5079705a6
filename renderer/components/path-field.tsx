import { useId, useState } from 'react';
import type { ErrorInfo } from '../../src/contract/index.js';
import { call, companion, errorInfo } from '../lib/companion.js';
import { ErrorNotice } from './error-notice.js';

export interface PathFieldProps {
  label: string;
  value: string;
  onChange: (path: string) => void;
  purpose: 'open-file' | 'save-file' | 'folder';
  placeholder?: string;
  note?: string;
  filters?: { name: string; extensions: string[] }[];
}

/** A path the user may type or paste, with a Browse… button for the native dialog. */
export function PathField({ label, value, onChange, purpose, placeholder, note, filters }: PathFieldProps) {
  const id = useId();
  const [error, setError] = useState<ErrorInfo | null>(null);
  const browse = () => {
    call(
      companion().dialog.pickPath({
        purpose,
        title: label,
        ...(value ? { defaultPath: value } : {}),
        filters,
      }),
    )
      .then(({ path }) => {
        setError(null);
        if (path) onChange(path);
      })
      .catch((e: unknown) => setError(errorInfo(e)));
  };
  return (
    <div className="path-field">
      <label htmlFor={id}>{label}</label>
      <div className="path-row">
        <input
          id={id}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          placeholder={placeholder}
          spellCheck={false}
          autoComplete="off"
        />
        <button type="button" className="button-quiet" onClick={browse} aria-label={`Browse for ${label}`}>
          Browse…
        </button>
      </div>
      {note && <p className="field-note">{note}</p>}
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
    </div>
  );
}
