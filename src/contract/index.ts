export * from './schemas.js';
export * from './channels.js';
export * from './events.js';
export * from './companion-api.js';
