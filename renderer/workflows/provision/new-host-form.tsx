import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { HostProfile, HostProfileInput } from '../../../src/contract/index.js';
import { ActionError } from '../../components/action-error.js';
import { call, companion } from '../../lib/companion.js';
import { useAction } from '../../lib/use-action.js';
import { imageProblem, useImageInspection, type ImageCheck } from '../../lib/use-image-inspection.js';
import { focusFirstInvalid, type FieldProblem } from '../../components/field-description.js';
import { PathField } from '../../components/path-field.js';
import { TextField } from '../../components/text-field.js';
import { ImageSourceField } from './image-source-field.js';
import { countryProblem, hostNameProblem } from './provision-validation.js';

/**
 * A new host profile: its name, where its image comes from, its SOPS file and Wi-Fi country. Mistakes are said at
 * the field as they are typed, by the contract's rules; only what was filled in is saved.
 */
interface NewHostDraft {
  name: string;
  nameTouched: boolean;
  flakeDir: string;
  imagePath: string;
  sopsFile: string;
  country: string;
}

const EMPTY: NewHostDraft = {
  name: '',
  nameTouched: false,
  flakeDir: '',
  imagePath: '',
  sopsFile: '',
  country: '',
};

export function NewHostForm({
  existing,
  onCreated,
}: {
  /** The hosts already saved: a new one must not overwrite one of them. */
  existing: readonly string[];
  onCreated: (host: HostProfile) => void;
}) {
  const [draft, setDraft] = useState<NewHostDraft>(EMPTY);
  const edit = (patch: Partial<NewHostDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const [focusRequest, setFocusRequest] = useState(0);
  const image = useImageInspection(draft.imagePath);
  const root = useRef<HTMLFormElement>(null);
  const action = useAction();

  const problems: NewHostProblems = {
    name: hostNameProblem(draft.name, existing),
    image: draft.imagePath.trim() ? imageProblem(image) : null,
    country: countryProblem(draft.country),
  };
  useEffect(() => {
    if (focusRequest > 0) focusFirstInvalid(root.current);
  }, [focusRequest]);

  const create = (event: FormEvent) => {
    event.preventDefault();
    edit({ nameTouched: true });
    if (problems.name || problems.image || problems.country) {
      setFocusRequest((n) => n + 1);
      return;
    }
    const filled = (value: string) => (value.trim() ? value.trim() : undefined);
    const profile: HostProfileInput = {
      name: draft.name,
      flakeDir: filled(draft.flakeDir),
      imagePath: filled(draft.imagePath),
      sopsFile: filled(draft.sopsFile),
      wifiCountry: filled(draft.country)?.toUpperCase(),
    };
    action.run(() => call(companion().hosts.save(profile)), onCreated);
  };

  return (
    <form onSubmit={create} ref={root} noValidate>
      <fieldset>
        <legend>New host</legend>
        <NewHostFields draft={draft} edit={edit} problems={problems} image={image} />
        <button type="submit" disabled={action.busy}>
          Save host and continue
        </button>
        <ActionError action={action} />
      </fieldset>
    </form>
  );
}

interface NewHostProblems {
  name: FieldProblem | null;
  image: FieldProblem | null;
  country: FieldProblem | null;
}

function NewHostFields({
  draft,
  edit,
  problems,
  image,
}: {
  draft: NewHostDraft;
  edit: (patch: Partial<NewHostDraft>) => void;
  problems: NewHostProblems;
  image: ImageCheck;
}) {
  return (
    <>
      <TextField
        label="Host name"
        name="host-name"
        value={draft.name}
        onChange={(name) => edit({ name, nameTouched: true })}
        problem={draft.nameTouched ? problems.name : null}
        placeholder="pi-garage"
        note="It becomes the Pi’s name on the network (pi-garage.local) and the image’s file name."
      />
      <PathField
        label="Flake folder (optional)"
        purpose="folder"
        value={draft.flakeDir}
        onChange={(flakeDir) => edit({ flakeDir })}
        note="To build the image with nix: the folder with flake.nix that defines nixosConfigurations.<host>."
      />
      <ImageSourceField
        label="Image file (optional)"
        value={draft.imagePath}
        onChange={(imagePath) => edit({ imagePath })}
        check={image}
        problem={problems.image}
        note="An existing .img, .img.zst, .img.xz or .img.gz; leave empty to build with nix."
      />
      <PathField
        label="SOPS file (optional)"
        purpose="open-file"
        value={draft.sopsFile}
        onChange={(sopsFile) => edit({ sopsFile })}
        note="The host’s secrets (wifi_ssid, wifi_psk, ssh_host_ed25519_key), decrypted on this computer with your age key."
      />
      <TextField
        label="Wi-Fi country"
        name="country"
        value={draft.country}
        onChange={(country) => edit({ country })}
        problem={problems.country}
        placeholder="DE"
        maxLength={2}
      />
    </>
  );
}
