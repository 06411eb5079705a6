import type { HandlersOf, settingsChannels } from '../contract/index.js';
import type { TaskHistory } from '../tasks/index.js';
import type { SettingsStore } from './settings-store.js';

export function settingsHandlers(
  settings: SettingsStore,
  history: TaskHistory,
): HandlersOf<typeof settingsChannels> {
  return {
    'settings.get': async () => settings.get(),
    'settings.update': async (patch) => {
      const view = await settings.update(patch);
      history.setLimit(view.settings.taskHistoryLimit);
      return view;
    },
  };
}
