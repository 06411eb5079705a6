import type { HostProfile } from '../../../src/contract/index.js';
import { ErrorNotice } from '../../components/error-notice.js';
import { companion } from '../../lib/companion.js';
import { formatBytes } from '../../lib/format.js';
import { useLoad } from '../../lib/use-load.js';
import { FilesTable } from './files-table.js';

/**
 * Step 5: the next step first (flash the image), then the proof (verified files, the image) and what else to do:
 * pin, .sops.yaml, the NixOS module.
 */
export function DoneStep({
  host,
  outcome,
  onAgain,
  onFlash,
}: {
  host: HostProfile;
  outcome: string | null;
  onAgain: () => void;
  /** Hands the verified image over to the Flash page. */
  onFlash: (image: string) => void;
}) {
  const record = host.lastProvision;
  const pin = host.pinnedHostKey;
  if (!record || !pin) return <p>This host has no verified image yet.</p>;
  return (
    <div className="wizard-step">
      <p className="notice notice-info" role="status">
        {outcome}
      </p>
      <section className="next-step" aria-labelledby="provision-next-title">
        <div>
          <h3 id="provision-next-title">Next: write it to an SD card</h3>
          <p className="field-note">
            Flash opens with this image chosen; nothing is written until you pick a card and confirm.
          </p>
        </div>
        <div className="wizard-actions">
          <button type="button" className="button-quiet" onClick={onAgain}>
            Provision another
          </button>
          <button type="button" className="button-primary" onClick={() => onFlash(record.image)}>
            Flash this image
          </button>
        </div>
      </section>
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
      <NixosModuleSection />
    </div>
  );
}

/** The module the host's configuration imports so the bootstrap files become its host key and Wi-Fi. */
function NixosModuleSection() {
  const [module] = useLoad(() => companion().provision.nixosModule({}));
  return (
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
  );
}
