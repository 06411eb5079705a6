import type { HandlersOf, hostsChannels } from '../contract/index.js';
import type { HostProfiles } from './host-profiles.js';

export function hostsHandlers(hosts: HostProfiles): HandlersOf<typeof hostsChannels> {
  return {
    'hosts.list': async () => hosts.list(),
    'hosts.save': (input) => hosts.save(input),
    'hosts.remove': async ({ name }) => ({ removed: await hosts.remove(name) }),
  };
}
