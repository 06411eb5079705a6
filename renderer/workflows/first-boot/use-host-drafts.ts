import { useCallback, useState } from 'react';
import type { HostProfile } from '../../../src/contract/index.js';
import { draftOf, type HostDraft } from './host-draft.js';

/**
 * What was typed per host. The page holds it (and stays mounted while another page is open), so Back, a retry or
 * a visit elsewhere keeps it; a host's first visit starts from its profile.
 */
export function useHostDrafts() {
  const [drafts, setDrafts] = useState<Record<string, HostDraft>>({});
  const update = useCallback(
    (host: HostProfile, change: (draft: HostDraft) => HostDraft) =>
      setDrafts((all) => ({ ...all, [host.name]: change(all[host.name] ?? draftOf(host)) })),
    [],
  );
  const draftFor = (host: HostProfile): HostDraft => drafts[host.name] ?? draftOf(host);
  return { draftFor, update };
}
