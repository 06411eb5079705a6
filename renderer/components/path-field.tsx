import { useState } from 'react';
import { call, companion, errorInfo } from '../lib/companion.js';
import { useFieldLines, type FieldLines, type FieldProblem } from './field-description.js';

export interface PathFieldProps extends FieldLines {
  label: string;
  value: string;
  onChange: (path: string) => void;
  purpose: 'open-file' | 'save-file' | 'folder';
  placeholder?: string;
  filters?: { name: string; extensions: string[] }[];
}

/** A path the user may type or paste, with a Browse… button for the native dialog; a failed dialog is its problem. */
export function PathField({
  label,
  value,
  onChange,
  purpose,
  placeholder,
  filters,
  problem,
  ...described
}: PathFieldProps) {
  const [dialogError, setDialogError] = useState<FieldProblem | null>(null);
  const { id, aria, lines } = useFieldLines({ ...described, problem: dialogError ?? problem });
  const browse = () => {
    const request = { purpose, title: label, ...(value ? { defaultPath: value } : {}), filters };
    call(companion().dialog.pickPath(request))
      .then(({ path }) => {
        setDialogError(null);
        if (path) onChange(path);
      })
      .catch((e: unknown) => setDialogError(errorInfo(e)));
  };
  return (
    <div className="path-field checked-field">
      <label htmlFor={id}>{label}</label>
      <div className="path-row">
        <input
          id={id}
          {...aria}
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
      {lines}
    </div>
  );
}
