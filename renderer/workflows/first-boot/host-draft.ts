import type {
  HostAccess,
  HostCheckInput,
  HostProfile,
  HostProfileInput,
} from '../../../src/contract/index.js';

/** The connection settings as typed; empty optional fields mean "not set". */
export interface ConnectionForm {
  sshUser: string;
  address: string;
  identityFile: string;
  buildHost: string;
  /** Goes to the OS keychain only, never into the profile. */
  passphrase: string;
}

/**
 * What the user is editing for one host, kept by the page across Back, retries and visits to other pages. `base`
 * is what the form started from (the profile as last loaded or saved): only what differs from it is saved, so a
 * field the user did not touch never overwrites the profile.
 */
export interface HostDraft {
  form: ConnectionForm;
  checks: HostCheckInput[];
  base: { access: HostAccess; checks: HostCheckInput[] };
}

export function draftOf(host: HostProfile): HostDraft {
  return {
    form: {
      sshUser: host.access.sshUser,
      address: host.access.address ?? '',
      identityFile: host.access.identityFile ?? '',
      buildHost: host.access.buildHost ?? '',
      passphrase: '',
    },
    checks: host.checks,
    base: { access: host.access, checks: host.checks },
  };
}

/** The draft after a save: the same inputs, measured against what is now saved. */
export function rebased(draft: HostDraft, saved: HostProfile): HostDraft {
  return {
    ...draft,
    form: { ...draft.form, passphrase: '' },
    base: { access: saved.access, checks: saved.checks },
  };
}

/** The form's access fields as the profile spells them: trimmed, an empty optional field as null. */
function typedAccess(form: ConnectionForm): HostAccess {
  return {
    sshUser: form.sshUser.trim(),
    address: form.address.trim() || null,
    identityFile: form.identityFile.trim() || null,
    buildHost: form.buildHost.trim() || null,
  };
}

/** A partial profile with only the fields the user changed (`hosts.save` keeps every field left out). */
export function profileChanges(name: string, draft: HostDraft): HostProfileInput {
  const typed = typedAccess(draft.form);
  const access: Partial<HostAccess> = {};
  for (const key of Object.keys(typed) as (keyof HostAccess)[]) {
    if (typed[key] !== draft.base.access[key]) Object.assign(access, { [key]: typed[key] });
  }
  const checksChanged = JSON.stringify(draft.checks) !== JSON.stringify(draft.base.checks);
  return {
    name,
    ...(Object.keys(access).length > 0 ? { access } : {}),
    ...(checksChanged ? { checks: draft.checks } : {}),
  };
}
