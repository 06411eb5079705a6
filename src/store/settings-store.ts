import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Settings, SettingsPatch, type HostProfile, type SettingsView } from '../contract/index.js';
import { InvalidRequestError } from '../errors.js';
import { writeFileAtomically } from './atomic-file.js';
import { withFileLock } from './file-lock.js';
import { migrateSettings } from './settings-migrations.js';

export const SETTINGS_VERSION = 2;

export const defaultSettings: Settings = {
  version: SETTINGS_VERSION,
  theme: 'system',
  terminalFontSize: 13,
  taskHistoryLimit: 50,
  hosts: [],
};

export interface SettingsStoreOptions {
  now?: () => Date;
  /** How long a lock left by a crashed process blocks writers (see withFileLock). */
  lockStaleMs?: number;
}

/** Which version of the file this process last saw: rename-on-write gives every version its own inode. */
type FileStamp = string | null;

/**
 * Settings on disk: schema-checked, migrated, written atomically; a bad file is moved aside and reported, not lost.
 * The app and CLI runs share the file, so every change re-reads it under a lock and applies only its own keys (one
 * top-level setting, one host profile) to what is there now, instead of writing this process's whole copy.
 */
export class SettingsStore {
  readonly file: string;
  private current: Settings = defaultSettings;
  private stamp: FileStamp = null;
  private recoveredFrom: string | null = null;
  private readonly listeners = new Set<(settings: Settings) => void>();
  private readonly now: () => Date;
  private readonly lockStaleMs: number | undefined;

  constructor(dataDir: string, options: SettingsStoreOptions = {}) {
    this.file = join(dataDir, 'settings.json');
    this.now = options.now ?? (() => new Date());
    this.lockStaleMs = options.lockStaleMs;
  }

  async load(): Promise<SettingsView> {
    await this.locked(async () => {
      const { settings, rewrite } = await this.readFromDisk();
      if (rewrite) await this.write(settings);
      await this.adopt(settings);
    });
    return this.view();
  }

  /** Called after every change this process makes or sees on disk (e.g. main follows the theme choice). */
  onChange(listener: (settings: Settings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The settings as on disk now: a change another process saved since the last look is picked up first. */
  get(): SettingsView {
    this.refreshIfChanged();
    return this.view();
  }

  async update(patch: unknown): Promise<SettingsView> {
    const parsed = SettingsPatch.safeParse(patch);
    if (!parsed.success)
      throw new InvalidRequestError(`Invalid settings: ${parsed.error.issues[0]?.message}`);
    await this.change((fresh) => ({ ...fresh, ...parsed.data }));
    return this.view();
  }

  /**
   * Replaces the host list through `change`, which is given the list as stored now (not this process's copy), so it
   * must touch only the hosts it means to; the result is schema-checked before it is written.
   */
  async updateHosts(change: (hosts: HostProfile[]) => HostProfile[]): Promise<HostProfile[]> {
    await this.change((fresh) => ({ ...fresh, hosts: change(fresh.hosts) }));
    return this.current.hosts;
  }

  private async change(apply: (fresh: Settings) => Settings): Promise<void> {
    await this.locked(async () => {
      const { settings: fresh } = await this.readFromDisk();
      const next = Settings.parse(apply(fresh));
      await this.write(next);
      await this.adopt(next);
    });
    for (const listener of this.listeners) listener(this.current);
  }

  private locked(fn: () => Promise<void>): Promise<void> {
    return withFileLock(this.file, fn, { staleMs: this.lockStaleMs });
  }

  /** The file's settings; a corrupt one is moved aside (and reported) and defaults take its place. */
  private async readFromDisk(): Promise<{ settings: Settings; rewrite: boolean }> {
    let raw: string;
    try {
      raw = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        return { settings: defaultSettings, rewrite: false };
      throw error;
    }
    try {
      return parseSettings(raw);
    } catch {
      // Keep the bad file for the user to inspect; start from defaults and say so in the UI.
      const aside = `${this.file}.corrupt-${this.now().toISOString().replace(/[:.]/g, '-')}`;
      await rename(this.file, aside);
      this.recoveredFrom = aside;
      return { settings: defaultSettings, rewrite: false };
    }
  }

  private refreshIfChanged(): void {
    let fd: number | null = null;
    try {
      // One descriptor for the stamp and the bytes, so a rename in between cannot pair new bytes with an old stamp.
      fd = openSync(this.file, 'r');
      const stamp = stampOf(fstatSync(fd));
      if (stamp === this.stamp) return;
      const { settings, rewrite } = parseSettings(readFileSync(fd, 'utf8'));
      // An old format or a bad file is left to the next locked change, which migrates or moves it aside.
      if (rewrite) return;
      this.current = settings;
      this.stamp = stamp;
    } catch {
      return; // missing or unreadable: keep what we have
    } finally {
      if (fd !== null) closeSync(fd);
    }
    for (const listener of this.listeners) listener(this.current);
  }

  private async write(settings: Settings): Promise<void> {
    await writeFileAtomically(this.file, `${JSON.stringify(settings, null, 2)}\n`);
  }

  private async adopt(settings: Settings): Promise<void> {
    this.current = settings;
    this.stamp = await stat(this.file).then(stampOf, () => null);
  }

  private view(): SettingsView {
    return { settings: this.current, file: this.file, recoveredFrom: this.recoveredFrom };
  }
}

function parseSettings(raw: string): { settings: Settings; rewrite: boolean } {
  const json: unknown = JSON.parse(raw);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('not a JSON object');
  const migrated = migrateSettings(json as Record<string, unknown>, SETTINGS_VERSION);
  return {
    settings: Settings.parse({ ...defaultSettings, ...migrated }),
    rewrite: (json as { version?: unknown }).version !== SETTINGS_VERSION,
  };
}

function stampOf(info: { ino: number; mtimeMs: number; size: number }): FileStamp {
  return `${info.ino}:${info.mtimeMs}:${info.size}`;
}
