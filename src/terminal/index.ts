export { terminalHandlers } from './terminal-handlers.js';
export { TerminalService } from './terminal-service.js';
