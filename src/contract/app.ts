import { z } from 'zod';
import { Empty, type ChannelGroup } from './shared.js';

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  platform: z.string(),
  dataDir: z.string(),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const appChannels = {
  'app.info': { request: Empty, response: AppInfo },
} as const satisfies ChannelGroup<'app'>;
