import { useState, type FormEvent } from 'react';
import type { ErrorInfo, HostCheckInput, HostProfile } from '../../../src/contract/index.js';
import { ErrorNotice } from '../../components/error-notice.js';
import { PathField } from '../../components/path-field.js';
import { call, companion, errorInfo } from '../../lib/companion.js';
import { ChecksEditor } from './checks-editor.js';

/** How to reach the host and what to check on it; saved to the host profile (no secrets in it). */
export function HostAccessForm({
  host,
  onSaved,
  onStart,
}: {
  host: HostProfile;
  onSaved: (host: HostProfile) => void;
  onStart: (address: string | null) => void;
}) {
  const [user, setUser] = useState(host.access.sshUser);
  const [address, setAddress] = useState(host.access.address ?? '');
  const [identityFile, setIdentityFile] = useState(host.access.identityFile ?? '');
  const [buildHost, setBuildHost] = useState(host.access.buildHost ?? '');
  const [checks, setChecks] = useState<HostCheckInput[]>(host.checks);
  const [passphrase, setPassphrase] = useState('');
  const [error, setError] = useState<ErrorInfo | null>(null);

  const save = async (): Promise<HostProfile> => {
    const saved = await call(
      companion().hosts.save({
        name: host.name,
        flakeDir: host.flakeDir,
        imagePath: host.imagePath,
        sopsFile: host.sopsFile,
        wifiCountry: host.wifiCountry,
        access: {
          sshUser: user.trim(),
          address: address.trim() || null,
          identityFile: identityFile.trim() || null,
          buildHost: buildHost.trim() || null,
        },
        checks,
      }),
    );
    if (passphrase && saved.access.identityFile) {
      await call(companion().firstBoot.saveKeyPassphrase({ host: host.name, passphrase }));
      setPassphrase('');
    }
    onSaved(saved);
    return saved;
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    save()
      .then((saved) => onStart(saved.access.address))
      .catch((e: unknown) => setError(errorInfo(e)));
  };

  return (
    <form onSubmit={submit} aria-label="Connection and checks">
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      <fieldset>
        <legend>Connection</legend>
        <label>
          Login user
          <input name="sshUser" value={user} onChange={(e) => setUser(e.target.value)} spellCheck={false} />
        </label>
        <label>
          Address (optional)
          <input
            name="address"
            value={address}
            onChange={(e) => setAddress(e.target.value)}
            placeholder={`tried besides ${host.name}.local and DNS, e.g. 192.168.1.23 or 192.168.1.23:2222`}
            spellCheck={false}
          />
        </label>
        <PathField
          label="SSH key (empty: use your SSH agent)"
          purpose="open-file"
          value={identityFile}
          onChange={setIdentityFile}
        />
        {identityFile.trim() && (
          <label>
            Key passphrase (saved in the OS keychain; leave empty to keep the saved one)
            <input
              name="keyPassphrase"
              type="password"
              autoComplete="off"
              value={passphrase}
              onChange={(e) => setPassphrase(e.target.value)}
            />
          </label>
        )}
        <label>
          Build host for deploys (optional; Pis should not build themselves)
          <input
            name="buildHost"
            value={buildHost}
            onChange={(e) => setBuildHost(e.target.value)}
            placeholder="root@builder.lan"
            spellCheck={false}
          />
        </label>
      </fieldset>
      <ChecksEditor checks={checks} onChange={setChecks} />
      <div className="wizard-actions">
        <button type="submit">Start looking for {host.name}</button>
      </div>
    </form>
  );
}
