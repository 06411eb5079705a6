import type { HandlersOf, tasksChannels } from '../contract/index.js';
import { selfTestTask } from './self-test-task.js';
import type { TaskManager } from './task-manager.js';

export function tasksHandlers(tasks: TaskManager): HandlersOf<typeof tasksChannels> {
  return {
    'tasks.list': async () => tasks.list(),
    'tasks.log': ({ id }) => tasks.log(id),
    'tasks.result': ({ id }) => tasks.result(id),
    'tasks.cancel': async ({ id }) => ({ cancelled: tasks.cancel(id) }),
    'tasks.clearHistory': async () => ({ removed: await tasks.clearHistory() }),
    'tasks.startSelfTest': async (request) => ({
      id: (await tasks.start('self-test', `Self-test (${request.steps} steps)`, selfTestTask(request))).id,
    }),
  };
}
