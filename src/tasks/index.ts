export {
  currentSecretTempJournal,
  holdSecretTemp,
  trackProcessGroup,
  useSecretTempJournal,
} from './cleanup-on-exit.js';
export { etaSeconds } from './rate-meter.js';
export { tasksHandlers } from './task-handlers.js';
export { TaskHistory } from './task-history.js';
export { TaskManager } from './task-manager.js';
export type { StartedTask, TaskContext } from './task-types.js';
