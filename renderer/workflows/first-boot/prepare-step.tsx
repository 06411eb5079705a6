import type { RefObject } from 'react';
import type { HostProfile } from '../../../src/contract/index.js';
import { HostAccessForm } from './host-access-form.js';
import type { HostDraft } from './host-draft.js';

/** Step 2: what to do with the card and the Pi, then how to reach it and what to check. */
export function PrepareStep({
  host,
  heading,
  draft,
  onDraft,
  onStart,
}: {
  host: HostProfile;
  heading: RefObject<HTMLHeadingElement | null>;
  draft: HostDraft;
  onDraft: (change: (draft: HostDraft) => HostDraft) => void;
  onStart: (saved: HostProfile) => void;
}) {
  return (
    <div className="wizard-step">
      <h2 className="step-title" tabIndex={-1} ref={heading}>
        Start {host.name}
      </h2>
      <PrepareGuide host={host} />
      <HostAccessForm host={host} draft={draft} onDraft={onDraft} onStart={onStart} />
    </div>
  );
}

function PrepareGuide({ host }: { host: HostProfile }) {
  return (
    <>
      <ol className="guide" aria-label="Before you start">
        <li>Put the flashed card into the Pi and connect power (and Ethernet, if it has no Wi-Fi).</li>
        <li>
          The first boot is slower: NixOS grows the root partition to fill the card and registers its store
          before SSH starts. A few minutes is normal.
        </li>
        <li>Start looking now; the app keeps trying until the Pi answers.</li>
      </ol>
      {!host.pinnedHostKey && (
        <p className="notice notice-warning" role="status">
          {host.name} has no pinned host key (it was not provisioned with this app), so you will be asked to
          confirm the key it presents.
        </p>
      )}
    </>
  );
}
