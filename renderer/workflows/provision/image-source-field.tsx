import { COMPRESSED_NOTE, describeImage, type ImageCheck } from '../../lib/use-image-inspection.js';
import { PathField } from '../../components/path-field.js';
import type { FieldProblem } from '../../components/field-description.js';

export const IMAGE_FILTERS = [{ name: 'Disk images', extensions: ['img', 'zst', 'xz', 'gz'] }];

/** A source image path that says what the chosen file is (or what is wrong with it) as soon as it is chosen. */
export function ImageSourceField({
  label,
  value,
  onChange,
  check,
  problem,
  note,
}: {
  label: string;
  value: string;
  onChange: (path: string) => void;
  check: ImageCheck;
  /** The image's own problem (from `check`) or the core's error about it. */
  problem: FieldProblem | null;
  note: string;
}) {
  return (
    <PathField
      label={label}
      purpose="open-file"
      value={value}
      onChange={onChange}
      filters={IMAGE_FILTERS}
      note={note}
      problem={problem}
      status={problem ? null : statusOf(check)}
    />
  );
}

function statusOf(check: ImageCheck): string | null {
  if (check.state === 'checking') return 'Looking at the image…';
  if (check.state !== 'checked' || check.inspection.problem) return null;
  const summary = describeImage(check.inspection);
  return check.inspection.fullyChecked ? `${summary}.` : `${summary}. ${COMPRESSED_NOTE}`;
}
