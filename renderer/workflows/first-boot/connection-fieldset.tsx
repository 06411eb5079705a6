import { PathField } from '../../components/path-field.js';
import { SecretField } from '../../components/secret-field.js';
import { TextField } from '../../components/text-field.js';

/** The connection settings as typed; empty optional fields mean "not set". */
export interface ConnectionForm {
  sshUser: string;
  address: string;
  identityFile: string;
  buildHost: string;
  /** Goes to the OS keychain only, never into the profile. */
  passphrase: string;
}

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
        placeholder={`tried besides ${hostName}.local and DNS, e.g. 192.168.1.23 or 192.168.1.23:2222`}
        spellCheck={false}
      />
      <PathField
        label="SSH key (empty: use your SSH agent)"
        purpose="open-file"
        value={form.identityFile}
        onChange={(identityFile) => onForm({ identityFile })}
      />
      {form.identityFile.trim() && (
        <SecretField
          label="Key passphrase (saved in the OS keychain; leave empty to keep the saved one)"
          name="keyPassphrase"
          value={form.passphrase}
          onChange={(passphrase) => onForm({ passphrase })}
        />
      )}
      <TextField
        label="Build host for deploys (optional; Pis should not build themselves)"
        name="buildHost"
        value={form.buildHost}
        onChange={(buildHost) => onForm({ buildHost })}
        placeholder="root@builder.lan"
        spellCheck={false}
      />
    </fieldset>
  );
}
