import type { HandlersOf, dialogChannels } from '../contract/index.js';
import type { Dialogs } from './dialogs.js';

export function dialogHandlers(dialogs: Dialogs): HandlersOf<typeof dialogChannels> {
  return { 'dialog.pickPath': async (request) => ({ path: await dialogs.pickPath(request) }) };
}
