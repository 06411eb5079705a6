import { HostAccessChange } from '../../../src/contract/index.js';
import { PathField } from '../../components/path-field.js';
import { SecretField } from '../../components/secret-field.js';
import { TextField } from '../../components/text-field.js';
import type { ConnectionForm } from './host-draft.js';

/** The contract's own sentence for a value its schema refuses; null for an empty or valid one. */
function accessProblem(field: 'sshUser' | 'address' | 'buildHost', value: string): string | null {
  if (!value.trim()) return null;
  const checked = HostAccessChange.shape[field].safeParse(value);
  if (checked.success) return null;
  const message = checked.error.issues[0]?.message ?? 'this value is not accepted';
  return `${message.charAt(0).toUpperCase()}${message.slice(1)}.`;
}

/** How to log in to the host, and where deploys build; mistakes are said at the field as they are typed. */
export function ConnectionFieldset({
  hostName,
  form,
  onForm,
}: {
  hostName: string;
  form: ConnectionForm;
  onForm: (patch: Partial<ConnectionForm>) => void;
}) {
  return (
    <fieldset>
      <legend>Connection</legend>
      <TextField
        label="Login user"
        name="sshUser"
        value={form.sshUser}
        onChange={(sshUser) => onForm({ sshUser })}
        problem={accessProblem('sshUser', form.sshUser)}
        spellCheck={false}
      />
      <TextField
        label="Address (optional)"
        name="address"
        value={form.address}
        onChange={(address) => onForm({ address })}
        placeholder="192.168.1.23 or 192.168.1.23:2222"
        problem={accessProblem('address', form.address)}
        spellCheck={false}
      />
      <p className="field-note">
        Tried as well as {hostName}.local and the name {hostName} in your network’s DNS.
      </p>
      <PathField
        label="SSH key (empty: use your SSH agent)"
        purpose="open-file"
        value={form.identityFile}
        onChange={(identityFile) => onForm({ identityFile })}
      />
      {form.identityFile.trim() && (
        <>
          <SecretField
            label="Key passphrase"
            name="keyPassphrase"
            value={form.passphrase}
            onChange={(passphrase) => onForm({ passphrase })}
          />
          <p className="field-note">
            Kept in your system’s keychain, never in the host profile. Leave it empty to keep the saved one.
          </p>
        </>
      )}
      <TextField
        label="Build host for deploys (optional)"
        name="buildHost"
        value={form.buildHost}
        onChange={(buildHost) => onForm({ buildHost })}
        placeholder="root@builder.lan"
        problem={accessProblem('buildHost', form.buildHost)}
        spellCheck={false}
      />
      <p className="field-note">
        A computer that builds the system for the Pi; a Pi building itself is slow.
      </p>
    </fieldset>
  );
}
