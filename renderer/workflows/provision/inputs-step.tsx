import { useState, type FormEvent } from 'react';
import type { ErrorInfo, HostProfile, ProvisionPlan, ProvisionRequest } from '../../../src/contract/index.js';
import { ErrorNotice } from '../../components/error-notice.js';
import { PathField } from '../../components/path-field.js';
import { call, companion, errorInfo } from '../../lib/companion.js';

type SecretsFrom = 'sops' | 'typed' | 'none';

/**
 * Step 2: where the image comes from, where it goes, and where the secrets come from. "Check" asks the core to
 * validate everything (and decrypt the SOPS file) before any image is written.
 */
export function InputsStep({
  host,
  onBack,
  onChecked,
}: {
  host: HostProfile;
  onBack: () => void;
  onChecked: (request: ProvisionRequest, plan: ProvisionPlan) => void;
}) {
  const [imagePath, setImagePath] = useState(host.imagePath ?? '');
  const [flakeDir, setFlakeDir] = useState(host.flakeDir ?? '');
  const [dest, setDest] = useState('');
  const [secretsFrom, setSecretsFrom] = useState<SecretsFrom>(host.sopsFile ? 'sops' : 'typed');
  const [sopsFile, setSopsFile] = useState(host.sopsFile ?? '');
  const [ageKeyFile, setAgeKeyFile] = useState('');
  const [ssid, setSsid] = useState('');
  const [psk, setPsk] = useState('');
  const [showPsk, setShowPsk] = useState(false);
  const [country, setCountry] = useState(host.wifiCountry ?? '');
  const [hostKeyFile, setHostKeyFile] = useState('');
  const [userKnownHosts, setUserKnownHosts] = useState(false);
  const [overwrite, setOverwrite] = useState(false);
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);

  const request = (): ProvisionRequest => {
    const optional = (value: string) => (value.trim() ? value.trim() : undefined);
    return {
      host: host.name,
      dest: dest.trim(),
      imagePath: optional(imagePath),
      flakeDir: imagePath.trim() ? undefined : optional(flakeDir),
      sopsFile: secretsFrom === 'sops' ? optional(sopsFile) : undefined,
      ageKeyFile: secretsFrom === 'sops' ? optional(ageKeyFile) : undefined,
      wifiSsid: secretsFrom === 'typed' ? ssid : undefined,
      wifiPsk: secretsFrom === 'typed' ? psk : undefined,
      wifiCountry: secretsFrom === 'none' ? undefined : optional(country),
      hostKeyFile: optional(hostKeyFile),
      noWifi: secretsFrom === 'none',
      pinToUserKnownHosts: userKnownHosts,
      overwrite,
    };
  };

  const check = (event: FormEvent) => {
    event.preventDefault();
    const req = request();
    setChecking(true);
    call(companion().provision.check(req))
      .then((plan) => onChecked(req, plan))
      .catch((e: unknown) => setError(errorInfo(e)))
      .finally(() => setChecking(false));
  };

  return (
    <form className="wizard-step" onSubmit={check}>
      <fieldset>
        <legend>Image</legend>
        <PathField
          label="Source image"
          purpose="open-file"
          value={imagePath}
          onChange={setImagePath}
          filters={[{ name: 'Disk images', extensions: ['img', 'zst', 'xz', 'gz'] }]}
          note="Detected by its content: raw, zstd, xz or gzip. Leave empty to build it with nix."
        />
        {!imagePath.trim() && (
          <PathField label="Flake folder" purpose="folder" value={flakeDir} onChange={setFlakeDir} />
        )}
        <PathField
          label="Write the provisioned image to"
          purpose="save-file"
          value={dest}
          onChange={setDest}
          placeholder={`a folder (then ${host.name}.img inside it) or a file`}
          note="The output holds the host’s private key and Wi-Fi password: it is written readable only by you (0600)."
        />
        <label className="check">
          <input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.target.checked)} />
          Replace the file if it already exists
        </label>
      </fieldset>
      <fieldset>
        <legend>Secrets</legend>
        <div role="radiogroup" aria-label="Where the secrets come from" className="radio-row">
          {(
            [
              ['sops', 'From the SOPS file'],
              ['typed', 'Type the Wi-Fi details'],
              ['none', 'No Wi-Fi (Ethernet)'],
            ] as const
          ).map(([value, label]) => (
            <label key={value} className="check">
              <input
                type="radio"
                name="secrets-from"
                checked={secretsFrom === value}
                onChange={() => setSecretsFrom(value)}
              />
              {label}
            </label>
          ))}
        </div>
        {secretsFrom === 'sops' && (
          <>
            <PathField label="SOPS file" purpose="open-file" value={sopsFile} onChange={setSopsFile} />
            <PathField
              label="Age key file (optional)"
              purpose="open-file"
              value={ageKeyFile}
              onChange={setAgeKeyFile}
              note="Else $SOPS_AGE_KEY_FILE, $SOPS_AGE_KEY, then ~/.config/sops/age/keys.txt. An OpenSSH ed25519 key works too."
            />
          </>
        )}
        {secretsFrom === 'typed' && (
          <>
            <label>
              Wi-Fi name (SSID)
              <input name="ssid" value={ssid} onChange={(e) => setSsid(e.target.value)} autoComplete="off" />
            </label>
            <div className="check">
              <label>
                Wi-Fi password
                <input
                  name="psk"
                  type={showPsk ? 'text' : 'password'}
                  value={psk}
                  onChange={(e) => setPsk(e.target.value)}
                  autoComplete="off"
                />
              </label>
              <button
                type="button"
                className="button-quiet"
                aria-pressed={showPsk}
                onClick={() => setShowPsk((s) => !s)}
              >
                Show password
              </button>
            </div>
          </>
        )}
        {secretsFrom !== 'none' && (
          <label>
            Wi-Fi country
            <input
              name="wifi-country"
              value={country}
              onChange={(e) => setCountry(e.target.value)}
              maxLength={2}
              placeholder="DE"
            />
          </label>
        )}
        <PathField
          label="Host key file (optional)"
          purpose="open-file"
          value={hostKeyFile}
          onChange={setHostKeyFile}
          note="An OpenSSH ed25519 private key. Empty: the SOPS file’s ssh_host_ed25519_key, else a new key is generated."
        />
        <label className="check">
          <input
            type="checkbox"
            checked={userKnownHosts}
            onChange={(e) => setUserKnownHosts(e.target.checked)}
          />
          Also pin the host key in ~/.ssh/known_hosts
        </label>
      </fieldset>
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      <div className="wizard-actions">
        <button type="button" className="button-quiet" onClick={onBack}>
          Back
        </button>
        <button type="submit" disabled={checking}>
          {checking ? 'Checking…' : 'Check'}
        </button>
      </div>
    </form>
  );
}
