import type { HostProfile } from '../../../src/contract/index.js';
import { ErrorNotice } from '../../components/error-notice.js';
import { companion } from '../../lib/companion.js';
import { formatBytes } from '../../lib/format.js';
import { useLoad } from '../../lib/use-load.js';
import { FilesTable } from './files-table.js';

/** Step 5: the proof (verified files, the image) and what to do next: pin, .sops.yaml, the NixOS module. */
export function DoneStep({
  host,
  outcome,
  onAgain,
}: {
  host: HostProfile;
  outcome: string | null;
  onAgain: () => void;
}) {
  const [module] = useLoad(() => companion().provision.nixosModule({}));
  const record = host.lastProvision;
  const pin = host.pinnedHostKey;
  if (!record || !pin) return <p>This host has no verified image yet.</p>;
  return (
    <div className="wizard-step">
      <p className="notice notice-info" role="status">
        {outcome}
      </p>
      <dl className="plan">
        <dt>Host key fingerprint</dt>
        <dd>
          <code data-testid="host-key-fingerprint">{pin.fingerprint}</code> — pinned for {host.name} and{' '}
          {host.name}
          .local; the first-boot check refuses any other key.
        </dd>
        <dt>Age recipient</dt>
        <dd>
          <code data-testid="age-recipient">{pin.ageRecipient}</code> — add it to <code>.sops.yaml</code> and
          run <code>sops updatekeys</code> so the Pi can decrypt its own secrets.
        </dd>
        <dt>Image</dt>
        <dd>
          <code>{record.image}</code> ({formatBytes(record.sizeBytes)})
        </dd>
      </dl>
      <FilesTable
        caption="Read back from the image and verified (bytes, mode, owner), then e2fsck -fn"
        files={record.files}
      />
      <section aria-labelledby="nixos-module-title">
        <h2 id="nixos-module-title">The NixOS side</h2>
        {module.state === 'failed' && <ErrorNotice error={module.error} />}
        {module.state === 'loaded' && (
          <>
            <p>{module.value.whyVarLib}</p>
            <p className="field-note">
              Import this module in the host’s configuration (also at <code>{module.value.path}</code>):
            </p>
            <pre className="code-block" tabIndex={0} aria-label="NixOS module">
              {module.value.text}
            </pre>
            <button
              type="button"
              className="button-quiet"
              onClick={() => void navigator.clipboard?.writeText(module.value.text)}
            >
              Copy module
            </button>
          </>
        )}
      </section>
      <div className="wizard-actions">
        <button type="button" onClick={onAgain}>
          Provision another
        </button>
      </div>
    </div>
  );
}
