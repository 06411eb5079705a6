import type { HostProfile } from '../../../src/contract/index.js';
import { ErrorNotice } from '../../components/error-notice.js';
import { companion } from '../../lib/companion.js';
import { useLoad } from '../../lib/use-load.js';
import { NewHostForm } from './new-host-form.js';

/** Step 1: pick a host profile or create one. Profiles hold paths and names, never secrets. */
export function HostStep({ onNext }: { onNext: (host: HostProfile) => void }) {
  const [hosts, reload] = useLoad<HostProfile[]>(() => companion().hosts.list({}));
  const names = hosts.state === 'loaded' ? hosts.value.map((host) => host.name) : [];
  return (
    <div className="wizard-step">
      {hosts.state === 'failed' && <ErrorNotice error={hosts.error} />}
      {hosts.state === 'loaded' && hosts.value.length > 0 && (
        <fieldset>
          <legend>Your hosts</legend>
          <ul className="host-list">
            {hosts.value.map((host) => (
              <li key={host.name}>
                <button type="button" onClick={() => onNext(host)} aria-label={`Provision ${host.name}`}>
                  {host.name}
                </button>
                <span className="field-note host-summary">{hostSummary(host)}</span>
              </li>
            ))}
          </ul>
        </fieldset>
      )}
      <NewHostForm
        existing={names}
        onCreated={(host) => {
          reload();
          onNext(host);
        }}
      />
    </div>
  );
}

/** Where the host's next image comes from, and what its last run made. */
export function hostSummary(host: HostProfile): string {
  const last = host.lastProvision;
  const source = host.imagePath
    ? `from ${host.imagePath}`
    : host.flakeDir
      ? `builds from ${host.flakeDir}`
      : last
        ? null
        : 'no image source yet';
  const parts = [
    source,
    last && `last image ${last.image} (${new Date(last.at).toLocaleDateString()})`,
    host.pinnedHostKey && `pinned ${host.pinnedHostKey.fingerprint}`,
  ];
  return parts.filter(Boolean).join(' · ');
}
