import type { z } from 'zod';
import { appChannels } from './app.js';
import { dialogChannels } from './dialog.js';
import { doctorChannels } from './doctor.js';
import { firstBootChannels, firstBootTaskResults } from './firstboot.js';
import { flashChannels, flashTaskResults } from './flash.js';
import { hostsChannels } from './hosts.js';
import { imageChannels } from './image.js';
import { keychainChannels } from './keychain.js';
import { provisionChannels, provisionTaskResults } from './provision.js';
import { settingsChannels } from './settings.js';
import { tasksChannels, tasksTaskResults, type TaskResultCarrier } from './tasks.js';
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
  ...imageChannels,
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

/** Every task kind with the schema of its result; each domain declares its own next to its channels. */
export const taskResults = {
  ...tasksTaskResults,
  ...provisionTaskResults,
  ...flashTaskResults,
  ...firstBootTaskResults,
} as const;

export type TaskKind = keyof typeof taskResults;
export type TaskResult<K extends TaskKind> = z.output<(typeof taskResults)[K]>;

export function isTaskKind(kind: unknown): kind is TaskKind {
  return typeof kind === 'string' && Object.hasOwn(taskResults, kind);
}

/**
 * The result a `tasks.result` answer or a `task.detail` event carries, checked against its kind's schema: null when
 * it carries none, or one of another kind or shape (never a value the type would lie about).
 */
export function taskResultOf<K extends TaskKind>(
  kind: K,
  carrier: Pick<TaskResultCarrier, 'kind' | 'result'> | null | undefined,
): TaskResult<K> | null {
  if (!carrier || carrier.kind !== kind || carrier.result === null) return null;
  const parsed = taskResults[kind].safeParse(carrier.result);
  return parsed.success ? (parsed.data as TaskResult<K>) : null;
}

export const channelNames = Object.keys(channels) as ChannelName[];

export function isChannelName(name: unknown): name is ChannelName {
  return typeof name === 'string' && Object.hasOwn(channels, name);
}
