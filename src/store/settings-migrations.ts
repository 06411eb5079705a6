/** One step from version `from` to `from + 1`; pure, so each can be tested on recorded old files. */
export type Migration = { from: number; migrate: (old: Record<string, unknown>) => Record<string, unknown> };

/**
 * Migrations in order. Version 0 is a file written before versioning existed (no `version` field).
 * Add a step here whenever `Settings` changes shape; never edit a released one.
 */
export const settingsMigrations: Migration[] = [
  { from: 0, migrate: (old) => ({ ...old, version: 1 }) },
  // 2: host profiles for provisioning.
  { from: 1, migrate: (old) => ({ ...old, hosts: [] }) },
];

/** Runs every step from the file's version up to `target`; a file newer than the app is refused, not downgraded. */
export function migrateSettings(
  raw: Record<string, unknown>,
  target: number,
  migrations: Migration[] = settingsMigrations,
): Record<string, unknown> {
  let current = raw;
  let version = typeof current.version === 'number' ? current.version : 0;
  if (version > target) {
    throw new Error(
      `settings were written by a newer version of the app (format ${version}, this app knows ${target})`,
    );
  }
  while (version < target) {
    const step = migrations.find((m) => m.from === version);
    if (!step) throw new Error(`no migration from settings format ${version}`);
    current = step.migrate(current);
    version = step.from + 1;
    current = { ...current, version };
  }
  return current;
}
