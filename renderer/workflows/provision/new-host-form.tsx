import { useState, type FormEvent } from 'react';
import type { HostProfile } from '../../../src/contract/index.js';
import { ActionError } from '../../components/action-error.js';
import { PathField } from '../../components/path-field.js';
import { TextField } from '../../components/text-field.js';
import { call, companion } from '../../lib/companion.js';
import { useAction } from '../../lib/use-action.js';

/** A new host profile: its name, where its image comes from, its SOPS file and Wi-Fi country. */
export function NewHostForm({ onCreated }: { onCreated: (host: HostProfile) => void }) {
  const [name, setName] = useState('');
  const [flakeDir, setFlakeDir] = useState('');
  const [imagePath, setImagePath] = useState('');
  const [sopsFile, setSopsFile] = useState('');
  const [country, setCountry] = useState('');
  const action = useAction();

  const create = (event: FormEvent) => {
    event.preventDefault();
    action.run(
      () =>
        call(
          companion().hosts.save({
            name: name.trim(),
            flakeDir: flakeDir.trim() || null,
            imagePath: imagePath.trim() || null,
            sopsFile: sopsFile.trim() || null,
            wifiCountry: country.trim().toUpperCase() || null,
          }),
        ),
      onCreated,
    );
  };

  return (
    <form onSubmit={create}>
      <fieldset>
        <legend>New host</legend>
        <TextField
          label="Host name"
          name="host-name"
          value={name}
          onChange={setName}
          placeholder="pi-garage"
        />
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
        <TextField
          label="Wi-Fi country"
          name="country"
          value={country}
          onChange={setCountry}
          placeholder="DE"
          maxLength={2}
        />
        <button type="submit">Save host and continue</button>
        <ActionError action={action} />
      </fieldset>
    </form>
  );
}
