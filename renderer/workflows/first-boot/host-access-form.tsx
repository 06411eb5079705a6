import { useState, type FormEvent } from 'react';
import type { HostCheckInput, HostProfile } from '../../../src/contract/index.js';
import { ActionError } from '../../components/action-error.js';
import { call, companion } from '../../lib/companion.js';
import { useAction } from '../../lib/use-action.js';
import { ChecksEditor } from './checks-editor.js';
import { ConnectionFieldset, type ConnectionForm } from './connection-fieldset.js';

/** Saves the profile's access and checks, then the key passphrase (to the keychain) if one was typed. */
async function saveAccess(host: HostProfile, form: ConnectionForm, checks: HostCheckInput[]) {
  const saved = await call(
    companion().hosts.save({
      name: host.name,
      flakeDir: host.flakeDir,
      imagePath: host.imagePath,
      sopsFile: host.sopsFile,
      wifiCountry: host.wifiCountry,
      access: {
        sshUser: form.sshUser.trim(),
        address: form.address.trim() || null,
        identityFile: form.identityFile.trim() || null,
        buildHost: form.buildHost.trim() || null,
      },
      checks,
    }),
  );
  if (form.passphrase && saved.access.identityFile)
    await call(companion().firstBoot.saveKeyPassphrase({ host: host.name, passphrase: form.passphrase }));
  return saved;
}

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
  const [form, setForm] = useState<ConnectionForm>({
    sshUser: host.access.sshUser,
    address: host.access.address ?? '',
    identityFile: host.access.identityFile ?? '',
    buildHost: host.access.buildHost ?? '',
    passphrase: '',
  });
  const [checks, setChecks] = useState<HostCheckInput[]>(host.checks);
  const action = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    action.run(
      () => saveAccess(host, form, checks),
      (saved) => {
        if (form.passphrase && saved.access.identityFile) setForm((now) => ({ ...now, passphrase: '' }));
        onSaved(saved);
        onStart(saved.access.address);
      },
    );
  };

  return (
    <form onSubmit={submit} aria-label="Connection and checks">
      <ActionError action={action} />
      <ConnectionFieldset
        hostName={host.name}
        form={form}
        onForm={(patch) => setForm((now) => ({ ...now, ...patch }))}
      />
      <ChecksEditor checks={checks} onChange={setChecks} />
      <div className="wizard-actions">
        <button type="submit">Start looking for {host.name}</button>
      </div>
    </form>
  );
}
