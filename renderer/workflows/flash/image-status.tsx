import {
  COMPRESSED_NOTE,
  describeImage,
  imageProblem,
  type ImageCheck,
} from '../../lib/use-image-inspection.js';
import { baseName } from '../../components/progress-facts.js';

/** The image this app provisioned last, offered on the Flash page. */
export interface Suggestion {
  host: string;
  image: string;
}

/**
 * Under the image field: what the chosen file is, or what is wrong with it (before any drive is erased), and the
 * last provisioned image when another one is in the field.
 */
export function ImageStatus({
  check,
  image,
  suggestion,
  onUseSuggestion,
}: {
  check: ImageCheck;
  image: string;
  suggestion: Suggestion | null;
  onUseSuggestion: () => void;
}) {
  const problem = imageProblem(check);
  const fromSuggestion = suggestion !== null && suggestion.image === image.trim();
  return (
    <div className="image-status" aria-live="polite">
      {check.state === 'checking' && <p className="field-note">Checking the image…</p>}
      {problem && (
        <div className="field-problem" role="alert" data-code={problem.code} data-testid="image-problem">
          <p className="notice-message">{problem.message}</p>
          <p className="notice-hint">{problem.hint}</p>
        </div>
      )}
      {check.state === 'checked' && !problem && (
        <p className="field-note image-facts" data-testid="image-facts">
          {fromSuggestion && <>The image last provisioned for {suggestion.host}. </>}
          {describeImage(check.inspection)}.{!check.inspection.fullyChecked && <> {COMPRESSED_NOTE}</>}
        </p>
      )}
      {suggestion && !fromSuggestion && (
        <p className="field-note">
          <button type="button" className="button-link" onClick={onUseSuggestion}>
            Use {baseName(suggestion.image)}
          </button>{' '}
          — the image last provisioned for {suggestion.host}
        </p>
      )}
    </div>
  );
}
