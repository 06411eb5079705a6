import { useState } from 'react';
import type { DriveChoice } from '../../../src/contract/index.js';
import { CheckboxField } from '../../components/checkbox-field.js';
import { formatBytes } from '../../lib/format.js';

/** Step 2: what will be erased; drives the policy flags need the user's explicit yes. */
export function ConfirmStep({
  image,
  picked,
  busy,
  onBack,
  onFlash,
}: {
  image: string;
  picked: DriveChoice[];
  busy: boolean;
  onBack: () => void;
  onFlash: (confirmed: boolean) => void;
}) {
  const [confirmed, setConfirmed] = useState(false);
  const toConfirm = picked.filter((c) => c.verdict.needsConfirmation);
  const needsConfirmation = toConfirm.length > 0;
  return (
    <div className="wizard-step">
      <div className="notice notice-warning" role="status">
        Everything on {picked.length === 1 ? 'this drive' : `these ${picked.length} drives`} will be erased
        and replaced by <code>{image}</code>:
        <ul aria-label="Drives to erase">
          {picked.map(({ drive }) => (
            <li key={drive.device}>
              <strong>{drive.model ?? drive.name}</strong> ({formatBytes(drive.sizeBytes)}, {drive.device})
            </li>
          ))}
        </ul>
      </div>
      {needsConfirmation && (
        <CheckboxField checked={confirmed} onChange={setConfirmed}>
          Yes, erase {toConfirm.map((c) => c.verdict.confirmationText).join(' and ')}
        </CheckboxField>
      )}
      <div className="wizard-actions">
        <button type="button" className="button-quiet" onClick={onBack}>
          Back
        </button>
        <button
          type="button"
          disabled={busy || (needsConfirmation && !confirmed)}
          onClick={() => onFlash(confirmed)}
        >
          Flash
        </button>
      </div>
    </div>
  );
}
