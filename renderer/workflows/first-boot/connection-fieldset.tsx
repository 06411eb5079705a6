import { PathField } from '../../components/path-field.js';
import { SecretField } from '../../components/secret-field.js';
import { TextField } from '../../components/text-field.js';
import type { ConnectionForm } from './host-draft.js';

/** How to log in to the host, and where deploys build. */
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
        spellCheck={false}
      />
      <TextField
        label="Address (optional)"
        name="address"
        value={form.address}
        onChange={(address) => onForm({ address })}
        placeholder="192.168.1.23 or 192.168.1.23:2222"
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
        spellCheck={false}
      />
      <p className="field-note">
        A computer that builds the system for the Pi; a Pi building itself is slow.
      </p>
    </fieldset>
  );
}
