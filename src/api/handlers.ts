import type { Services } from '../core.js';
import { dialogHandlers } from '../dialogs/dialog-handlers.js';
import { firstBootHandlers } from '../firstboot/first-boot-handlers.js';
import { flashHandlers } from '../flash/flash-handlers.js';
import { hostsHandlers } from '../provision/hosts-handlers.js';
import { provisionHandlers } from '../provision/provision-handlers.js';
import { keychainHandlers } from '../secrets/keychain-handlers.js';
import { settingsHandlers } from '../store/settings-handlers.js';
import { tasksHandlers } from '../tasks/task-handlers.js';
import { terminalHandlers } from '../terminal/terminal-handlers.js';
import { doctorHandlers } from '../tools/doctor-handlers.js';
import { appHandlers } from './app-handlers.js';
import type { Handlers } from './router.js';

/**
 * Merges every domain's handlers (each lives next to its service). Typed as `Handlers`, so a channel that no domain
 * answers does not compile.
 */
export function createHandlers(services: Services): Handlers {
  return {
    ...appHandlers(services),
    ...doctorHandlers(),
    ...tasksHandlers(services.tasks),
    ...settingsHandlers(services.settings, services.history),
    ...keychainHandlers(services.keychain),
    ...terminalHandlers(services.terminals),
    ...hostsHandlers(services.hosts),
    ...provisionHandlers(services.provision),
    ...flashHandlers(services.flash),
    ...firstBootHandlers(services.firstBoot, services.terminals),
    ...dialogHandlers(services.dialogs),
  };
}
