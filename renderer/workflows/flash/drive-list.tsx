import type { DriveChoice } from '../../../src/contract/index.js';
import { formatBytes } from '../../lib/format.js';

/**
 * Every drive with the safety policy's verdict; refused drives stay visible with the reason, never selectable.
 * Checkboxes, since several cards can be flashed at once from one read of the image.
 */
export function DriveList({
  choices,
  selected,
  onToggle,
}: {
  choices: DriveChoice[];
  selected: readonly string[];
  onToggle: (device: string, on: boolean) => void;
}) {
  const shown = choices.filter(
    (c) => c.verdict.offered || c.verdict.reasons.some((r) => r.severity === 'refuse'),
  );
  if (shown.length === 0) {
    return (
      <p className="empty">
        No removable drive found. Insert the SD card (or its USB reader); the list refreshes by itself.
      </p>
    );
  }
  return (
    <ul className="drive-list" aria-label="Drives">
      {shown.map(({ drive, verdict }) => {
        const label = `${drive.model ?? drive.name} · ${formatBytes(drive.sizeBytes)} · ${drive.device}`;
        const why = verdict.reasons.map((r) => r.message).join(' ');
        return (
          <li key={drive.device} data-device={drive.device} data-writable={verdict.writable}>
            <label className="check" title={why || undefined}>
              <input
                type="checkbox"
                name="drive"
                value={drive.device}
                disabled={!verdict.writable}
                checked={selected.includes(drive.device)}
                onChange={(e) => onToggle(drive.device, e.target.checked)}
              />
              <span className="drive-name">{label}</span>
              <span className="badge">{drive.bus.toUpperCase()}</span>
              {!verdict.writable && <span className="badge badge-failed">not allowed</span>}
            </label>
            {verdict.reasons.length > 0 && (
              <ul className="drive-reasons">
                {verdict.reasons.map((reason) => (
                  <li key={reason.code} className={`reason-${reason.severity}`} data-code={reason.code}>
                    {reason.message}
                  </li>
                ))}
              </ul>
            )}
          </li>
        );
      })}
    </ul>
  );
}
