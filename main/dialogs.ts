import { BrowserWindow, dialog } from 'electron';
import type { Dialogs } from '../src/dialogs/index.js';

/** Native open/save/folder dialogs, attached to the focused window so they are modal to it. */
export const electronDialogs: Dialogs = {
  async pickPath(request) {
    const window = BrowserWindow.getFocusedWindow() ?? undefined;
    const common = { title: request.title, defaultPath: request.defaultPath, filters: request.filters };
    if (request.purpose === 'save-file') {
      const result = window
        ? await dialog.showSaveDialog(window, common)
        : await dialog.showSaveDialog(common);
      return result.canceled || !result.filePath ? null : result.filePath;
    }
    const properties: ('openFile' | 'openDirectory' | 'createDirectory')[] =
      request.purpose === 'folder' ? ['openDirectory', 'createDirectory'] : ['openFile'];
    const options = { ...common, properties };
    const result = window
      ? await dialog.showOpenDialog(window, options)
      : await dialog.showOpenDialog(options);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  },
};
