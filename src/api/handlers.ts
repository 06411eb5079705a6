import type { Services } from '../core.js';
import { dialogHandlers } from '../dialogs/index.js';
import { firstBootHandlers } from '../firstboot/index.js';
import { flashHandlers } from '../flash/index.js';
import { hostsHandlers } from '../hosts/index.js';
import { imageHandlers } from '../image/index.js';
import { provisionHandlers } from '../provision/index.js';
import { keychainHandlers } from '../secrets/index.js';
import { settingsHandlers } from '../store/index.js';
import { tasksHandlers } from '../tasks/index.js';
import { terminalHandlers } from '../terminal/index.js';
import { doctorHandlers } from '../tools/index.js';
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
    ...imageHandlers(),
    ...provisionHandlers(services.provision),
    ...flashHandlers(services.flash),
    ...firstBootHandlers(services.firstBoot, services.terminals),
    ...dialogHandlers(services.dialogs),
  };
}
