export { HostProfiles } from './host-profiles.js';
export { hostsHandlers } from './hosts-handlers.js';
