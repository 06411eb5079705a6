export { dialogHandlers } from './dialog-handlers.js';
export { type Dialogs, noDialogs } from './dialogs.js';
