export { BOOTSTRAP_FILES } from './bootstrap-files.js';
export { provisionHandlers } from './provision-handlers.js';
export { ProvisionService } from './provision-service.js';
