import { mkdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { Settings, SettingsPatch, type HostProfile, type SettingsView } from '../contract/index.js';
import { InvalidRequestError } from '../errors.js';
import { writeFileAtomically } from './atomic-file.js';
import { migrateSettings } from './settings-migrations.js';

export const SETTINGS_VERSION = 2;

export const defaultSettings: Settings = {
  version: SETTINGS_VERSION,
  theme: 'system',
  terminalFontSize: 13,
  taskHistoryLimit: 50,
  hosts: [],
};

/** Settings on disk: schema-checked, migrated, written atomically; a bad file is moved aside and reported, not lost. */
export class SettingsStore {
  readonly file: string;
  private current: Settings = defaultSettings;
  private recoveredFrom: string | null = null;
  private readonly listeners = new Set<(settings: Settings) => void>();

  constructor(
    dataDir: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.file = join(dataDir, 'settings.json');
  }

  async load(): Promise<SettingsView> {
    let raw: string;
    try {
      raw = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return this.view();
      throw error;
    }
    try {
      const json: unknown = JSON.parse(raw);
      if (typeof json !== 'object' || json === null || Array.isArray(json))
        throw new Error('not a JSON object');
      const migrated = migrateSettings(json as Record<string, unknown>, SETTINGS_VERSION);
      this.current = Settings.parse({ ...defaultSettings, ...migrated });
      if ((json as { version?: unknown }).version !== SETTINGS_VERSION) await this.write();
    } catch {
      // Keep the bad file for the user to inspect; start from defaults and say so in the UI.
      const aside = `${this.file}.corrupt-${this.now().toISOString().replace(/[:.]/g, '-')}`;
      await rename(this.file, aside);
      this.recoveredFrom = aside;
      this.current = defaultSettings;
    }
    return this.view();
  }

  /** Called after every successful update (e.g. main follows the theme choice). */
  onChange(listener: (settings: Settings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(): SettingsView {
    return this.view();
  }

  async update(patch: unknown): Promise<SettingsView> {
    const parsed = SettingsPatch.safeParse(patch);
    if (!parsed.success)
      throw new InvalidRequestError(`Invalid settings: ${parsed.error.issues[0]?.message}`);
    this.current = Settings.parse({ ...this.current, ...parsed.data });
    await this.write();
    for (const listener of this.listeners) listener(this.current);
    return this.view();
  }

  /** Replaces the host list through `change`; the result is schema-checked before it is written. */
  async updateHosts(change: (hosts: HostProfile[]) => HostProfile[]): Promise<HostProfile[]> {
    this.current = Settings.parse({ ...this.current, hosts: change(this.current.hosts) });
    await this.write();
    for (const listener of this.listeners) listener(this.current);
    return this.current.hosts;
  }

  private async write(): Promise<void> {
    await mkdir(join(this.file, '..'), { recursive: true, mode: 0o700 });
    await writeFileAtomically(this.file, `${JSON.stringify(this.current, null, 2)}\n`);
  }

  private view(): SettingsView {
    return { settings: this.current, file: this.file, recoveredFrom: this.recoveredFrom };
  }
}
