import type { DriveChoice } from '../../../src/contract/index.js';
import { CheckboxField } from '../../components/checkbox-field.js';
import { PathField } from '../../components/path-field.js';
import { DriveList } from './drive-list.js';

/** As many cards as the privileged writer takes in one request. */
const MAX_CARDS = 8;

export interface FlashOptions {
  image: string;
  showAll: boolean;
  verify: boolean;
}

/** Step 1: the image, the drives (ticked ones still listed and writable count), and the options. */
export function ChooseStep({
  options,
  onOptions,
  choices,
  selected,
  onToggle,
  onNext,
}: {
  options: FlashOptions;
  onOptions: (patch: Partial<FlashOptions>) => void;
  choices: DriveChoice[];
  selected: string[];
  onToggle: (device: string, on: boolean) => void;
  onNext: (picked: DriveChoice[]) => void;
}) {
  // A card removed since it was ticked drops out.
  const picked = choices.filter((c) => selected.includes(c.drive.device) && c.verdict.writable);
  return (
    <div className="wizard-step">
      <PathField
        label="Image to flash"
        purpose="open-file"
        value={options.image}
        onChange={(image) => onOptions({ image })}
        filters={[{ name: 'Disk images', extensions: ['img', 'zst', 'xz', 'gz'] }]}
      />
      <fieldset>
        <legend>Drive</legend>
        <DriveList choices={choices} selected={selected} onToggle={onToggle} />
        <CheckboxField checked={options.showAll} onChange={(showAll) => onOptions({ showAll })}>
          Show all drives (internal disks need an explicit confirmation; system disks are never offered)
        </CheckboxField>
        <CheckboxField checked={options.verify} onChange={(verify) => onOptions({ verify })}>
          Verify by reading the card back (recommended)
        </CheckboxField>
      </fieldset>
      <div className="wizard-actions">
        <button
          type="button"
          disabled={picked.length === 0 || picked.length > MAX_CARDS || !options.image.trim()}
          onClick={() => onNext(picked)}
        >
          Next
        </button>
      </div>
    </div>
  );
}
