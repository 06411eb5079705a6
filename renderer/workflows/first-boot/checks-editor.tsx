import { useState } from 'react';
import type { HostCheckInput } from '../../../src/contract/index.js';
import { CheckboxField } from '../../components/checkbox-field.js';
import { RadioRow } from '../../components/radio-row.js';
import { TextField } from '../../components/text-field.js';
import { CheckList } from './check-list.js';

const KINDS = [
  ['command', 'Command on the Pi'],
  ['http', 'HTTP endpoint'],
] as const;

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
      <CheckList checks={checks} onChange={onChange} />
      <RadioRow label="New check kind" value={kind} options={KINDS} onChange={setKind} />
      <TextField
        label="Check name"
        name="checkName"
        value={name}
        onChange={setName}
        placeholder="UPS is seen"
      />
      <TextField
        label={kind === 'command' ? 'Command' : 'URL'}
        name="checkTarget"
        value={target}
        onChange={setTarget}
        placeholder={kind === 'command' ? 'upsc -l' : 'http://127.0.0.1:9100/metrics'}
        spellCheck={false}
      />
      <TextField
        label={kind === 'command' ? 'Output must contain (optional)' : 'Body must contain (optional)'}
        name="checkExpect"
        value={expect}
        onChange={setExpect}
        spellCheck={false}
      />
      {kind === 'http' && (
        <CheckboxField checked={from === 'here'} onChange={(here) => setFrom(here ? 'here' : 'pi')}>
          Request it from this computer (default: from the Pi, through the SSH connection)
        </CheckboxField>
      )}
      <button type="button" className="button-quiet" disabled={!name.trim() || !target.trim()} onClick={add}>
        Add check
      </button>
    </fieldset>
  );
}
