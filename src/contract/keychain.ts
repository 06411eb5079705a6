import { z } from 'zod';
import { Empty, type ChannelGroup } from './shared.js';

export const KeychainStatus = z.object({
  available: z.boolean(),
  backend: z.string(),
  message: z.string(),
  hint: z.string().nullable(),
});
export type KeychainStatus = z.infer<typeof KeychainStatus>;

export const keychainChannels = {
  'keychain.status': { request: Empty, response: KeychainStatus },
} as const satisfies ChannelGroup<'keychain'>;
