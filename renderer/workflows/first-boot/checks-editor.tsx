import { useState } from 'react';
import type { HostCheckInput } from '../../../src/contract/index.js';

const describe = (check: HostCheckInput): string =>
  check.kind === 'command'
    ? `runs \`${check.command}\` on the Pi, expects exit ${check.expectExit ?? 0}` +
      (check.expectOutput ? ` and output containing "${check.expectOutput}"` : '')
    : `GET ${check.url} from ${check.from === 'here' ? 'this computer' : 'the Pi'}, expects HTTP ${check.expectStatus ?? 200}` +
      (check.expectBody ? ` and a body containing "${check.expectBody}"` : '');

/** The host's own checks: a list with remove, and a small form to add a command or HTTP check. */
export function ChecksEditor({
  checks,
  onChange,
}: {
  checks: HostCheckInput[];
  onChange: (checks: HostCheckInput[]) => void;
}) {
  const [kind, setKind] = useState<'command' | 'http'>('command');
  const [name, setName] = useState('');
  const [target, setTarget] = useState('');
  const [expect, setExpect] = useState('');
  const [from, setFrom] = useState<'pi' | 'here'>('pi');

  const add = () => {
    const check: HostCheckInput =
      kind === 'command'
        ? { kind, name: name.trim(), command: target.trim(), expectOutput: expect || null }
        : { kind, name: name.trim(), url: target.trim(), from, expectBody: expect || null };
    onChange([...checks, check]);
    setName('');
    setTarget('');
    setExpect('');
  };

  return (
    <fieldset>
      <legend>Host checks</legend>
      <p className="field-note">
        Built in: systemd finished booting, NetworkManager is connected, the bootstrap key is in place (0600).
      </p>
      {checks.length > 0 && (
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
      )}
      <div className="radio-row" role="radiogroup" aria-label="New check kind">
        <label className="check">
          <input type="radio" checked={kind === 'command'} onChange={() => setKind('command')} />
          Command on the Pi
        </label>
        <label className="check">
          <input type="radio" checked={kind === 'http'} onChange={() => setKind('http')} />
          HTTP endpoint
        </label>
      </div>
      <label>
        Check name
        <input
          name="checkName"
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="UPS is seen"
        />
      </label>
      <label>
        {kind === 'command' ? 'Command' : 'URL'}
        <input
          name="checkTarget"
          value={target}
          onChange={(e) => setTarget(e.target.value)}
          placeholder={kind === 'command' ? 'upsc -l' : 'http://127.0.0.1:9100/metrics'}
          spellCheck={false}
        />
      </label>
      <label>
        {kind === 'command' ? 'Output must contain (optional)' : 'Body must contain (optional)'}
        <input
          name="checkExpect"
          value={expect}
          onChange={(e) => setExpect(e.target.value)}
          spellCheck={false}
        />
      </label>
      {kind === 'http' && (
        <label className="check">
          <input
            type="checkbox"
            checked={from === 'here'}
            onChange={(e) => setFrom(e.target.checked ? 'here' : 'pi')}
          />
          Request it from this computer (default: from the Pi, through the SSH connection)
        </label>
      )}
      <button type="button" className="button-quiet" disabled={!name.trim() || !target.trim()} onClick={add}>
        Add check
      </button>
    </fieldset>
  );
}
