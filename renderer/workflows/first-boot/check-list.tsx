import type { HostCheckInput } from '../../../src/contract/index.js';

const describe = (check: HostCheckInput): string =>
  check.kind === 'command'
    ? `runs \`${check.command}\` on the Pi, expects exit ${check.expectExit ?? 0}` +
      (check.expectOutput ? ` and output containing "${check.expectOutput}"` : '')
    : `GET ${check.url} from ${check.from === 'here' ? 'this computer' : 'the Pi'}, expects HTTP ${check.expectStatus ?? 200}` +
      (check.expectBody ? ` and a body containing "${check.expectBody}"` : '');

/** The host's own checks, each with what it does and a Remove button. */
export function CheckList({
  checks,
  onChange,
}: {
  checks: HostCheckInput[];
  onChange: (checks: HostCheckInput[]) => void;
}) {
  if (checks.length === 0) return null;
  return (
    <ul className="host-list" aria-label="Host checks">
      {checks.map((check, i) => (
        <li key={i}>
          <strong>{check.name}</strong> <span className="field-note">{describe(check)}</span>{' '}
          <button
            type="button"
            className="button-quiet"
            aria-label={`Remove check ${check.name}`}
            onClick={() => onChange(checks.filter((_, j) => j !== i))}
          >
            Remove
          </button>
        </li>
      ))}
    </ul>
  );
}
