import { CheckboxField } from '../../components/checkbox-field.js';
import { RadioRow } from '../../components/radio-row.js';
import type { ImageCheck } from '../../lib/use-image-inspection.js';
import { PathField } from '../../components/path-field.js';
import { SecretField } from '../../components/secret-field.js';
import { TextField } from '../../components/text-field.js';
import { ImageSourceField } from './image-source-field.js';
import type { ProvisionForm } from './provision-form.js';
import type { FieldProblems, InputsField } from './provision-validation.js';

interface FieldsetProps {
  form: ProvisionForm;
  onForm: (patch: Partial<ProvisionForm>) => void;
  /** What to say at each field: typing mistakes, the image's problem, the core's error about it. */
  problems: FieldProblems<InputsField>;
}

/** Where the image comes from and where the provisioned copy goes. */
export function ImageFieldset({ form, onForm, problems, image }: FieldsetProps & { image: ImageCheck }) {
  return (
    <fieldset>
      <legend>Image</legend>
      <ImageSourceField
        label="Source image"
        value={form.imagePath}
        onChange={(imagePath) => onForm({ imagePath })}
        check={image}
        problem={problems.imagePath ?? null}
        note="Detected by its content: raw, zstd, xz or gzip. Leave empty to build it with nix."
      />
      {!form.imagePath.trim() && (
        <PathField
          label="Flake folder"
          purpose="folder"
          value={form.flakeDir}
          onChange={(flakeDir) => onForm({ flakeDir })}
          problem={problems.flakeDir}
        />
      )}
      <PathField
        label="Write the provisioned image to"
        purpose="save-file"
        value={form.dest}
        onChange={(dest) => onForm({ dest })}
        problem={problems.dest}
        placeholder={`a folder (then ${form.host}.img inside it) or a file`}
        note="The output holds the host’s private key and Wi-Fi password: it is written readable only by you (0600)."
      />
      <CheckboxField checked={form.overwrite} onChange={(overwrite) => onForm({ overwrite })}>
        Replace the file if it already exists
      </CheckboxField>
    </fieldset>
  );
}

const SECRETS_FROM = [
  ['sops', 'From the SOPS file'],
  ['typed', 'Type the Wi-Fi details'],
  ['none', 'No Wi-Fi (Ethernet)'],
] as const;

/** Where the Wi-Fi details and the host key come from. */
export function SecretsFieldset({ form, onForm, problems }: FieldsetProps) {
  return (
    <fieldset>
      <legend>Secrets</legend>
      <RadioRow
        label="Where the secrets come from"
        name="secrets-from"
        value={form.secretsFrom}
        options={SECRETS_FROM}
        onChange={(secretsFrom) => onForm({ secretsFrom })}
      />
      {form.secretsFrom === 'sops' && (
        <>
          <PathField
            label="SOPS file"
            purpose="open-file"
            value={form.sopsFile}
            onChange={(sopsFile) => onForm({ sopsFile })}
            problem={problems.sopsFile}
          />
          <PathField
            label="Age key file (optional)"
            purpose="open-file"
            value={form.ageKeyFile}
            onChange={(ageKeyFile) => onForm({ ageKeyFile })}
            problem={problems.ageKeyFile}
            note="Else $SOPS_AGE_KEY_FILE, $SOPS_AGE_KEY, then ~/.config/sops/age/keys.txt. An OpenSSH ed25519 key works too."
          />
        </>
      )}
      {form.secretsFrom === 'typed' && (
        <>
          <TextField
            label="Wi-Fi name (SSID)"
            name="ssid"
            value={form.ssid}
            onChange={(ssid) => onForm({ ssid })}
            problem={problems.ssid}
            autoComplete="off"
          />
          <SecretField
            label="Wi-Fi password"
            name="psk"
            value={form.psk}
            onChange={(psk) => onForm({ psk })}
            problem={problems.psk}
            revealLabel="Show password"
          />
        </>
      )}
      {form.secretsFrom !== 'none' && (
        <TextField
          label="Wi-Fi country"
          name="wifi-country"
          value={form.country}
          onChange={(country) => onForm({ country })}
          problem={problems.country}
          maxLength={2}
          placeholder="DE"
        />
      )}
      <PathField
        label="Host key file (optional)"
        purpose="open-file"
        value={form.hostKeyFile}
        onChange={(hostKeyFile) => onForm({ hostKeyFile })}
        problem={problems.hostKeyFile}
        note="An OpenSSH ed25519 private key. Empty: the SOPS file’s ssh_host_ed25519_key, else a new key is generated."
      />
      <CheckboxField
        checked={form.pinToUserKnownHosts}
        onChange={(pinToUserKnownHosts) => onForm({ pinToUserKnownHosts })}
      >
        Also pin the host key in ~/.ssh/known_hosts
      </CheckboxField>
    </fieldset>
  );
}
