import { useState, type FormEvent } from 'react';
import type { ErrorInfo, HostProfile } from '../../../src/contract/index.js';
import { ErrorNotice } from '../../components/error-notice.js';
import { PathField } from '../../components/path-field.js';
import { call, companion, errorInfo } from '../../lib/companion.js';
import { useLoad } from '../../lib/use-load.js';

/** Step 1: pick a host profile or create one. Profiles hold paths and names, never secrets. */
export function HostStep({ onNext }: { onNext: (host: HostProfile) => void }) {
  const [hosts, reload] = useLoad<HostProfile[]>(() => companion().hosts.list({}));
  const [name, setName] = useState('');
  const [flakeDir, setFlakeDir] = useState('');
  const [imagePath, setImagePath] = useState('');
  const [sopsFile, setSopsFile] = useState('');
  const [country, setCountry] = useState('');
  const [error, setError] = useState<ErrorInfo | null>(null);

  const create = (event: FormEvent) => {
    event.preventDefault();
    call(
      companion().hosts.save({
        name: name.trim(),
        flakeDir: flakeDir.trim() || null,
        imagePath: imagePath.trim() || null,
        sopsFile: sopsFile.trim() || null,
        wifiCountry: country.trim().toUpperCase() || null,
      }),
    )
      .then((host) => {
        reload();
        onNext(host);
      })
      .catch((e: unknown) => setError(errorInfo(e)));
  };

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
                <span className="field-note">
                  {host.imagePath ?? (host.flakeDir ? `builds from ${host.flakeDir}` : 'no image source yet')}
                  {host.pinnedHostKey && ` · pinned ${host.pinnedHostKey.fingerprint}`}
                </span>
              </li>
            ))}
          </ul>
        </fieldset>
      )}
      <form onSubmit={create}>
        <fieldset>
          <legend>New host</legend>
          <label>
            Host name
            <input
              name="host-name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder="pi-garage"
            />
          </label>
          <PathField
            label="Flake folder (optional)"
            purpose="folder"
            value={flakeDir}
            onChange={setFlakeDir}
            note="To build the image with nix: the folder with flake.nix that defines nixosConfigurations.<host>."
          />
          <PathField
            label="Image file (optional)"
            purpose="open-file"
            value={imagePath}
            onChange={setImagePath}
            filters={[{ name: 'Disk images', extensions: ['img', 'zst', 'xz', 'gz'] }]}
            note="An existing .img, .img.zst, .img.xz or .img.gz; leave empty to build with nix."
          />
          <PathField
            label="SOPS file (optional)"
            purpose="open-file"
            value={sopsFile}
            onChange={setSopsFile}
            note="The host’s secrets (wifi_ssid, wifi_psk, ssh_host_ed25519_key), decrypted on this computer with your age key."
          />
          <label>
            Wi-Fi country
            <input
              name="country"
              value={country}
              onChange={(e) => setCountry(e.target.value)}
              placeholder="DE"
              maxLength={2}
            />
          </label>
          <button type="submit">Save host and continue</button>
          {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
        </fieldset>
      </form>
    </div>
  );
}
