import {
  HostProfileInput,
  defaultSecretKeyNames,
  type HostProfile,
  type PinnedHostKey,
  type ProvisionRecord,
} from '../contract/index.js';
import type { SettingsStore } from '../store/settings-store.js';

/** Host profiles in the settings file: the user edits names and sources; pins and records come from provisioning. */
export class HostProfiles {
  constructor(private readonly settings: SettingsStore) {}

  list(): HostProfile[] {
    return this.settings.get().settings.hosts;
  }

  get(name: string): HostProfile | null {
    return this.list().find((host) => host.name === name) ?? null;
  }

  /** Creates or updates by name, keeping what provisioning recorded. */
  async save(raw: HostProfileInput): Promise<HostProfile> {
    const input = HostProfileInput.parse(raw);
    const existing = this.get(input.name);
    const profile: HostProfile = {
      checks: [],
      pinnedHostKey: null,
      lastProvision: null,
      ...existing,
      ...input,
      secretKeys: { ...defaultSecretKeyNames, ...existing?.secretKeys, ...input.secretKeys },
    };
    await this.settings.updateHosts((hosts) => [...hosts.filter((h) => h.name !== input.name), profile]);
    return profile;
  }

  async remove(name: string): Promise<boolean> {
    const had = this.get(name) !== null;
    if (had) await this.settings.updateHosts((hosts) => hosts.filter((h) => h.name !== name));
    return had;
  }

  /** Stores the pin and the record of a verified image; a host provisioned from the CLI alone gets a profile. */
  async recordProvision(
    name: string,
    record: ProvisionRecord,
    pin: PinnedHostKey,
    defaults: Pick<HostProfile, 'flakeDir' | 'imagePath' | 'sopsFile' | 'wifiCountry'>,
  ): Promise<HostProfile> {
    const base = this.get(name) ?? (await this.save({ name, ...defaults }));
    const updated: HostProfile = { ...base, pinnedHostKey: pin, lastProvision: record };
    await this.settings.updateHosts((hosts) => hosts.map((h) => (h.name === name ? updated : h)));
    return updated;
  }
}
