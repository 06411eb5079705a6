import type { ErrorInfo } from './shared.js';
import type { CompanionEvent } from './events.js';
import { channelNames, type ChannelName, type RequestOf, type ResponseOf } from './channels.js';

/** What every invoke returns across the boundary: errors travel as data, because thrown errors lose their fields. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

type GroupOf<C extends string> = C extends `${infer G}.${string}` ? G : never;
type VerbOf<C extends string, G extends string> = C extends `${G}.${infer V}` ? V : never;

/** `window.companion`: one method per channel, grouped (`companion.tasks.cancel({id})`), plus the event feed. */
export type CompanionApi = {
  [G in GroupOf<ChannelName>]: {
    [V in VerbOf<ChannelName, G>]: (
      request: RequestOf<`${G}.${V}` & ChannelName>,
    ) => Promise<Result<ResponseOf<`${G}.${V}` & ChannelName>>>;
  };
} & {
  events: { subscribe(listener: (event: CompanionEvent) => void): () => void };
};

/** A transport: Electron IPC in preload, a WebSocket in the E2E bridge. */
export interface CompanionTransport {
  invoke(channel: ChannelName, request: unknown): Promise<Result<unknown>>;
  subscribe(listener: (event: CompanionEvent) => void): () => void;
}

/** Builds the verb object from the channel list, so a new channel cannot be forgotten by a face. */
export function createCompanionApi(transport: CompanionTransport): CompanionApi {
  const api: Record<string, Record<string, unknown>> = {};
  for (const name of channelNames) {
    const [group, verb] = name.split('.') as [string, string];
    api[group] ??= {};
    api[group][verb] = (request: unknown) => transport.invoke(name, request ?? {});
  }
  api.events = { subscribe: (listener: (event: CompanionEvent) => void) => transport.subscribe(listener) };
  return api as unknown as CompanionApi;
}
