/**
 * Recovers a SOPS file's 32-byte data key from its `age` entries with the user's identities.
 * Mirrors sops `age/keysource.go` for X25519 (and hybrid) identities.
 */
import { armor, Decrypter, type Stanza } from 'age-encryption';
import type { AgeIdentity } from '../age-identities-text.js';
import { ageRecipientOfKeyLine } from '../ssh-to-age.js';
import { SopsError } from './sops-error.js';
import type { AgeKeyEntry, SopsMetadata } from './sops-metadata.js';

const DATA_KEY_BYTES = 32;

/** The data key and which identity opened it (its recipient, safe to log). */
export interface OpenedDataKey {
  dataKey: Buffer;
  openedBy: string;
}

/** Stanza types that belong to SSH recipients (age's agessh), which X25519 identities cannot open. */
const SSH_STANZAS = new Set(['ssh-ed25519', 'ssh-rsa']);

function isSshEntry(entry: AgeKeyEntry, stanzaTypes: readonly string[]): boolean {
  return entry.recipient.startsWith('ssh-') || stanzaTypes.some((type) => SSH_STANZAS.has(type));
}

function ageFormOfSshRecipient(recipient: string): string | null {
  try {
    return ageRecipientOfKeyLine(recipient);
  } catch {
    return null;
  }
}

const describeIdentities = (identities: readonly AgeIdentity[]) =>
  identities.length ? identities.map((id) => `${id.recipient} (${id.origin})`).join(', ') : 'none';

function noKeyError(
  label: string,
  entries: readonly AgeKeyEntry[],
  stanzaTypes: ReadonlyMap<AgeKeyEntry, readonly string[]>,
  identities: readonly AgeIdentity[],
): SopsError {
  const ours = new Set(identities.map((id) => id.recipient));
  const ssh = entries.filter((entry) => isSshEntry(entry, stanzaTypes.get(entry) ?? []));
  const sshOfOurs = ssh.find((entry) => ours.has(ageFormOfSshRecipient(entry.recipient) ?? ''));
  const fileRecipients = entries.map((entry) => entry.recipient).join(', ');
  const tried = `Identities tried: ${describeIdentities(identities)}.`;
  if (ssh.length > 0 && (sshOfOurs || ssh.length === entries.length)) {
    const which = sshOfOurs ? `your SSH key (${sshOfOurs.recipient})` : `SSH keys only (${fileRecipients})`;
    const entry = sshOfOurs ?? ssh[0];
    const seen = entry ? stanzaTypes.get(entry)?.find((type) => SSH_STANZAS.has(type)) : undefined;
    const stanza = seen ?? entry?.recipient.split(' ')[0] ?? 'ssh-ed25519';
    return new SopsError(
      'sops-ssh-recipient-unsupported',
      `${label} is encrypted to ${which} as an age "${stanza}" recipient (sops 3.10+ does this for ssh-… keys in .sops.yaml). ` +
        `That stanza needs the SSH private key itself; an age identity converted from it with ssh-to-age cannot open it. ${tried}`,
      'In .sops.yaml, list the age1… form of the key instead (ssh-to-age < key.pub) or add your own age key, then run `sops updatekeys <file>` and commit the file.',
    );
  }
  return new SopsError(
    'sops-no-matching-key',
    `None of your age identities can open ${label}. It is encrypted to: ${fileRecipients}. ${tried}`,
    'Have someone who can decrypt it add your recipient to .sops.yaml and run `sops updatekeys <file>`, or choose the age key file that matches one of those recipients.',
    {
      cliHint:
        'Have someone who can decrypt it add your recipient to .sops.yaml and run `sops updatekeys <file>`, or point --age-key (or $SOPS_AGE_KEY_FILE) at the key file that matches one of those recipients.',
    },
  );
}

function unsupportedKeyError(label: string, metadata: SopsMetadata): SopsError {
  if (metadata.keyGroups.length > 1) {
    return new SopsError(
      'sops-unsupported-key-type',
      `${label} splits its data key across ${metadata.keyGroups.length} key groups (Shamir secret sharing), which this app cannot combine.`,
      'Keep the Pi secrets in a file encrypted to a single key group with an age recipient, or decrypt it with the sops CLI.',
    );
  }
  const others = (metadata.keyGroups[0]?.others ?? []).map((o) => `${o.type} (${o.count})`).join(', ');
  return new SopsError(
    'sops-unsupported-key-type',
    `${label} has no age recipients; it is encrypted only with ${others || 'no keys'}, which this app cannot use.`,
    'Add an age recipient for your key to .sops.yaml and run `sops updatekeys <file>` on a machine that can decrypt it.',
  );
}

/** The age file's plaintext if `identity` opens it, else null; reports the stanza types seen. */
async function tryIdentity(
  file: Uint8Array,
  identity: AgeIdentity,
  onStanzas: (types: string[]) => void,
): Promise<Uint8Array | null> {
  // One identity per decrypter, so we know which one opened the file.
  const decrypter = new Decrypter();
  decrypter.addIdentity({
    unwrapFileKey(stanzas: Stanza[]) {
      onStanzas(stanzas.map((stanza) => stanza.args[0] ?? ''));
      return null;
    },
  });
  decrypter.addIdentity(identity.exposeSecretKey());
  try {
    return await decrypter.decrypt(file);
  } catch {
    return null; // not this identity's stanza (or a damaged one): the caller tries the next
  }
}

/** Finds the data key; throws a SopsError naming the file's recipients and the identities tried. */
export async function openDataKey(
  metadata: SopsMetadata,
  identities: readonly AgeIdentity[],
  label: string,
): Promise<OpenedDataKey> {
  const [group] = metadata.keyGroups;
  if (metadata.keyGroups.length !== 1 || !group || group.age.length === 0) {
    throw unsupportedKeyError(label, metadata);
  }
  const stanzaTypes = new Map<AgeKeyEntry, readonly string[]>();
  for (const entry of group.age) {
    let file: Uint8Array;
    try {
      file = armor.decode(entry.enc);
    } catch (cause) {
      throw new SopsError(
        'sops-invalid-metadata',
        `${label} has a damaged age entry for ${entry.recipient}.`,
        'Restore the file from version control or re-encrypt it with sops.',
        { cause },
      );
    }
    for (const identity of identities) {
      const plain = await tryIdentity(file, identity, (types) => stanzaTypes.set(entry, types));
      if (!plain) continue;
      if (plain.length !== DATA_KEY_BYTES) {
        throw new SopsError(
          'sops-invalid-data-key',
          `The age entry for ${entry.recipient} in ${label} does not hold a ${DATA_KEY_BYTES}-byte sops data key (it holds ${plain.length} bytes).`,
          'The file was not written by sops or was damaged; restore it from version control.',
        );
      }
      return { dataKey: Buffer.from(plain), openedBy: identity.recipient };
    }
  }
  throw noKeyError(label, group.age, stanzaTypes, identities);
}
