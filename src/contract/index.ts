export * from './schemas.js';
export * from './channels.js';
export * from './events.js';
export * from './companion-api.js';
export * from './hosts.js';
export * from './provision.js';
export * from './flash.js';
