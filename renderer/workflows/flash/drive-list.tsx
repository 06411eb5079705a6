import { useState } from 'react';
import type { DriveChoice } from '../../../src/contract/index.js';
import { formatBytes } from '../../lib/format.js';
import { driveNotes, isPickable } from './drive-notes.js';

interface ListProps {
  choices: DriveChoice[];
  selected: readonly string[];
  onToggle: (device: string, on: boolean) => void;
  /** Opens the running view of the flash that holds a drive. */
  onShowTask: (taskId: string) => void;
}

/**
 * Every drive with the safety policy's verdict; refused and busy drives stay visible with the reason, never
 * selectable. Loop devices (a machine with snaps has dozens) are folded into one group. Checkboxes, since several
 * cards can be flashed at once from one read of the image.
 */
export function DriveList({ choices, selected, onToggle, onShowTask }: ListProps) {
  const shown = choices.filter(
    (c) => c.verdict.offered || c.verdict.reasons.some((r) => r.severity === 'refuse'),
  );
  const loops = shown.filter((c) => c.drive.bus === 'loop');
  const drives = shown.filter((c) => c.drive.bus !== 'loop');
  const rowProps = { selected, onToggle, onShowTask };
  return (
    <>
      {drives.length === 0 ? (
        <p className="empty">
          No removable drive found. Insert the SD card (or its USB reader); the list refreshes by itself.
        </p>
      ) : (
        <ul className="drive-list" aria-label="Drives">
          {drives.map((choice) => (
            <DriveRow key={choice.drive.device} choice={choice} {...rowProps} />
          ))}
        </ul>
      )}
      {loops.length > 0 && <LoopGroup loops={loops} {...rowProps} />}
    </>
  );
}

function LoopGroup({ loops, ...rowProps }: Omit<ListProps, 'choices'> & { loops: DriveChoice[] }) {
  const chosen = loops.filter((c) => rowProps.selected.includes(c.drive.device)).length;
  // Open from the start when a loop device is already ticked (Back from the confirmation).
  const [open, setOpen] = useState(chosen > 0);
  return (
    <details
      className="drive-group"
      open={open}
      onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}
    >
      <summary>
        Loop devices ({loops.length}
        {chosen > 0 ? `, ${chosen} chosen` : ''}) <span className="field-note">files used as disks</span>
      </summary>
      <ul className="drive-list" aria-label="Loop devices">
        {loops.map((choice) => (
          <DriveRow key={choice.drive.device} choice={choice} {...rowProps} />
        ))}
      </ul>
    </details>
  );
}

function DriveRow({
  choice,
  selected,
  onToggle,
  onShowTask,
}: Omit<ListProps, 'choices'> & { choice: DriveChoice }) {
  const { drive, verdict, busy } = choice;
  const label = `${drive.model ?? drive.name} · ${formatBytes(drive.sizeBytes)} · ${drive.device}`;
  const notes = driveNotes(choice);
  const pickable = isPickable(choice);
  const busyTask = busy?.taskId ?? null;
  return (
    <li data-device={drive.device} data-writable={verdict.writable} data-busy={busy ? 'true' : undefined}>
      <label className="check">
        <input
          type="checkbox"
          name="drive"
          value={drive.device}
          disabled={!pickable}
          checked={pickable && selected.includes(drive.device)}
          onChange={(e) => onToggle(drive.device, e.target.checked)}
        />
        <span className="drive-name">{label}</span>
        <span className="badge">{drive.bus.toUpperCase()}</span>
        {busy && <span className="badge badge-running">in use</span>}
        {!busy && !verdict.writable && <span className="badge badge-failed">not allowed</span>}
      </label>
      {notes.length > 0 && (
        <ul className="drive-reasons">
          {notes.map((note) => (
            <li key={note.code} className={`reason-${note.severity}`} data-code={note.code}>
              {note.text}
              {note.code === 'busy' && busyTask && (
                <button type="button" className="button-link" onClick={() => onShowTask(busyTask)}>
                  Show its progress
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}
