import type { DriveChoice } from '../../../src/contract/index.js';
import { CheckboxField } from '../../components/checkbox-field.js';
import { PathField } from '../../components/path-field.js';
import { imageProblem, type ImageCheck } from '../../lib/use-image-inspection.js';
import { DriveList } from './drive-list.js';
import { isPickable } from './drive-notes.js';
import { ImageStatus, type Suggestion } from './image-status.js';

/** As many cards as the privileged writer takes in one request. */
const MAX_CARDS = 8;

export interface FlashOptions {
  image: string;
  showAll: boolean;
  verify: boolean;
}

interface ChooseProps {
  options: FlashOptions;
  onOptions: (patch: Partial<FlashOptions>) => void;
  check: ImageCheck;
  suggestion: Suggestion | null;
  onUseSuggestion: () => void;
  choices: DriveChoice[];
  selected: string[];
  onToggle: (device: string, on: boolean) => void;
  onShowTask: (taskId: string) => void;
  onNext: (picked: DriveChoice[]) => void;
}

/** Step 1: the image (checked the moment it is chosen), the drives, and the options. */
export function ChooseStep(props: ChooseProps) {
  const { options, onOptions, check, choices, selected } = props;
  // A card removed, or taken by another flash, since it was ticked drops out.
  const picked = choices.filter((c) => selected.includes(c.drive.device) && isPickable(c));
  const blocked = whyNotNext(options, check, picked.length);
  return (
    <div className="wizard-step">
      <PathField
        label="Image to flash"
        purpose="open-file"
        value={options.image}
        onChange={(image) => onOptions({ image })}
        filters={[{ name: 'Disk images', extensions: ['img', 'zst', 'xz', 'gz'] }]}
      />
      <ImageStatus
        check={check}
        image={options.image}
        suggestion={props.suggestion}
        onUseSuggestion={props.onUseSuggestion}
      />
      <fieldset>
        <legend>Drive</legend>
        <DriveList
          choices={choices}
          selected={selected}
          onToggle={props.onToggle}
          onShowTask={props.onShowTask}
        />
        <CheckboxField checked={options.showAll} onChange={(showAll) => onOptions({ showAll })}>
          Show all drives (internal disks need an explicit confirmation; system disks are never offered)
        </CheckboxField>
        <CheckboxField checked={options.verify} onChange={(verify) => onOptions({ verify })}>
          Verify by reading the card back (recommended)
        </CheckboxField>
      </fieldset>
      <div className="wizard-actions">
        {blocked && (
          <p className="field-note next-blocked" id="flash-next-why">
            {blocked}
          </p>
        )}
        <button
          type="button"
          disabled={blocked !== null}
          aria-describedby={blocked ? 'flash-next-why' : undefined}
          onClick={() => props.onNext(picked)}
        >
          Next
        </button>
      </div>
    </div>
  );
}

/** Why Next is off, in words next to it; null when it is on. */
function whyNotNext(options: FlashOptions, check: ImageCheck, cards: number): string | null {
  if (!options.image.trim()) return 'Choose an image first.';
  if (check.state === 'checking' || check.state === 'idle') return 'Waiting for the image check.';
  if (imageProblem(check)) return 'Choose another image: this one cannot be flashed.';
  if (cards === 0) return 'Tick the card to write.';
  if (cards > MAX_CARDS) return `At most ${MAX_CARDS} cards at once.`;
  return null;
}
