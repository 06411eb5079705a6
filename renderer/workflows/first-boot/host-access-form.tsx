import { useRef, type FormEvent } from 'react';
import type { HostProfile } from '../../../src/contract/index.js';
import { ActionError } from '../../components/action-error.js';
import { focusFirstInvalid } from '../../components/field-description.js';
import { call, companion } from '../../lib/companion.js';
import { useAction } from '../../lib/use-action.js';
import { ChecksEditor } from './checks-editor.js';
import { ConnectionFieldset } from './connection-fieldset.js';
import { profileChanges, type HostDraft } from './host-draft.js';

/**
 * Saves what the user changed of the profile's access and checks (a field left alone keeps its saved value), then
 * the key passphrase (to the keychain) if one was typed.
 */
async function saveAccess(host: HostProfile, draft: HostDraft): Promise<HostProfile> {
  const changes = profileChanges(host.name, draft);
  const saved = Object.keys(changes).length > 1 ? await call(companion().hosts.save(changes)) : host;
  if (draft.form.passphrase && saved.access.identityFile)
    await call(
      companion().firstBoot.saveKeyPassphrase({ host: host.name, passphrase: draft.form.passphrase }),
    );
  return saved;
}

/** How to reach the host and what to check on it; saved to the host profile (no secrets in it). */
export function HostAccessForm({
  host,
  draft,
  onDraft,
  onStart,
}: {
  host: HostProfile;
  /** Held by the page, so Back, a retry or a visit to another page keeps what was typed. */
  draft: HostDraft;
  onDraft: (update: (draft: HostDraft) => HostDraft) => void;
  /** Called with the profile as saved; the run starts from it. */
  onStart: (saved: HostProfile) => void;
}) {
  const action = useAction();
  const form = useRef<HTMLFormElement>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    // A field the contract would refuse is said there already: take the user to it instead of asking the core.
    if (focusFirstInvalid(form.current)) return;
    action.run(() => saveAccess(host, draft), onStart);
  };

  return (
    <form
      ref={form}
      noValidate
      onSubmit={submit}
      aria-label="Connection and checks"
      className="first-boot-form"
    >
      <ActionError action={action} />
      <ConnectionFieldset
        hostName={host.name}
        form={draft.form}
        onForm={(patch) => onDraft((d) => ({ ...d, form: { ...d.form, ...patch } }))}
      />
      <ChecksEditor checks={draft.checks} onChange={(checks) => onDraft((d) => ({ ...d, checks }))} />
      <div className="wizard-actions">
        <button type="submit" disabled={action.busy}>
          Start looking for {host.name}
        </button>
      </div>
    </form>
  );
}
