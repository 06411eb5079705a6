import type { z } from 'zod';
import { appChannels } from './app.js';
import { dialogChannels } from './dialog.js';
import { doctorChannels } from './doctor.js';
import { firstBootChannels } from './firstboot.js';
import { flashChannels } from './flash.js';
import { hostsChannels } from './hosts.js';
import { keychainChannels } from './keychain.js';
import { provisionChannels } from './provision.js';
import { settingsChannels } from './settings.js';
import { tasksChannels } from './tasks.js';
import { terminalChannels } from './terminal.js';

/**
 * Every request/response channel: each domain declares its own in its contract file, this only merges them. The name
 * is `<group>.<verb>`: preload and the test bridge turn it into `window.companion.<group>.<verb>(request)`.
 */
export const channels = {
  ...appChannels,
  ...doctorChannels,
  ...tasksChannels,
  ...settingsChannels,
  ...keychainChannels,
  ...terminalChannels,
  ...hostsChannels,
  ...provisionChannels,
  ...flashChannels,
  ...firstBootChannels,
  ...dialogChannels,
} as const;

export type Channels = typeof channels;
export type ChannelName = keyof Channels;
export type RequestOf<C extends ChannelName> = z.input<Channels[C]['request']>;
export type ParsedRequestOf<C extends ChannelName> = z.output<Channels[C]['request']>;
export type ResponseOf<C extends ChannelName> = z.output<Channels[C]['response']>;

export const channelNames = Object.keys(channels) as ChannelName[];

export function isChannelName(name: unknown): name is ChannelName {
  return typeof name === 'string' && Object.hasOwn(channels, name);
}
