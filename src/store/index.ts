export { APP_ID, appDataDir, resourcesDir } from './app-paths.js';
export { writeFileAtomically } from './atomic-file.js';
export { assertTrustedDataDir } from './data-dir-trust.js';
export { claimFileLock, isFileLocked, withFileLock } from './file-lock.js';
export { SecretTempJournal, type SweepReport, sweepSecretTemps } from './secret-temp-journal.js';
export { settingsHandlers } from './settings-handlers.js';
export { SettingsStore } from './settings-store.js';
