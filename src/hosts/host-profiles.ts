import {
  HostProfileInput,
  defaultHostAccess,
  defaultSecretKeyNames,
  type HostProfile,
  type PinnedHostKey,
  type ProvisionRecord,
} from '../contract/index.js';
import { InvalidRequestError } from '../errors.js';
import type { SettingsStore } from '../store/index.js';

/** Host profiles in the settings file: the user edits names and sources; pins and records come from provisioning. */
export class HostProfiles {
  constructor(private readonly settings: SettingsStore) {}

  list(): HostProfile[] {
    return this.settings.get().settings.hosts;
  }

  get(name: string): HostProfile | null {
    return this.list().find((host) => host.name === name) ?? null;
  }

  /** Creates or updates by name, keeping what provisioning recorded (as stored now, even by another process). */
  async save(raw: HostProfileInput): Promise<HostProfile> {
    const input = HostProfileInput.parse(raw);
    let profile: HostProfile | null = null;
    await this.settings.updateHosts((hosts) => {
      profile = mergeProfile(
        hosts.find((h) => h.name === input.name),
        input,
      );
      return [...hosts.filter((h) => h.name !== input.name), profile];
    });
    return profile!;
  }

  async remove(name: string): Promise<boolean> {
    let had = false;
    await this.settings.updateHosts((hosts) => {
      had = hosts.some((h) => h.name === name);
      return hosts.filter((h) => h.name !== name);
    });
    return had;
  }

  /** Pins a key the user approved for a host that had none (first boot of a card not provisioned here). */
  async pinHostKey(name: string, pin: PinnedHostKey): Promise<HostProfile> {
    let updated: HostProfile | null = null;
    await this.settings.updateHosts((hosts) =>
      hosts.map((h) => {
        if (h.name !== name) return h;
        // Checked inside the update, against what is stored now: a provisioning that pinned a key meanwhile wins.
        if (h.pinnedHostKey) {
          throw new InvalidRequestError(
            `${name} already has a pinned host key (${h.pinnedHostKey.fingerprint}); it is not replaced.`,
            'Provision and flash the card again to pin a new key.',
          );
        }
        updated = { ...h, pinnedHostKey: pin };
        return updated;
      }),
    );
    if (!updated) throw new InvalidRequestError(`There is no host called ${name}.`);
    return updated;
  }

  /**
   * Stores the pin and the record of a verified image, and remembers what this run was made from (`used`: its source,
   * output folder, secrets and age key file) so the next run of the host starts there. A host provisioned from the CLI
   * alone gets a profile.
   */
  async recordProvision(
    name: string,
    record: ProvisionRecord,
    pin: PinnedHostKey,
    used: Partial<
      Pick<HostProfile, 'flakeDir' | 'imagePath' | 'sopsFile' | 'wifiCountry' | 'outputDir' | 'ageKeyFile'>
    >,
  ): Promise<HostProfile> {
    let updated: HostProfile | null = null;
    await this.settings.updateHosts((hosts) => {
      const existing = hosts.find((h) => h.name === name);
      updated = {
        ...mergeProfile(existing, { name, ...used }),
        pinnedHostKey: pin,
        lastProvision: record,
      };
      return existing ? hosts.map((h) => (h.name === name ? updated! : h)) : [...hosts, updated];
    });
    return updated!;
  }
}

function mergeProfile(existing: HostProfile | undefined, raw: HostProfileInput): HostProfile {
  const input = HostProfileInput.parse(raw);
  return {
    flakeDir: null,
    imagePath: null,
    sopsFile: null,
    outputDir: null,
    ageKeyFile: null,
    wifiCountry: null,
    pinnedHostKey: null,
    lastProvision: null,
    ...existing,
    ...withoutUndefined(input),
    name: input.name,
    checks: input.checks ?? existing?.checks ?? [],
    access: { ...defaultHostAccess, ...existing?.access, ...withoutUndefined(input.access ?? {}) },
    secretKeys: {
      ...defaultSecretKeyNames,
      ...existing?.secretKeys,
      ...withoutUndefined(input.secretKeys ?? {}),
    },
  };
}

/** The fields an input sets (the schema has no defaults, so a field left out is absent or undefined). */
function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
