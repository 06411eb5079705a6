import { z } from 'zod';
import { type ChannelGroup } from './shared.js';

export const PickPathRequest = z
  .object({
    purpose: z.enum(['open-file', 'save-file', 'folder']),
    title: z.string().max(200),
    defaultPath: z.string().optional(),
    filters: z.array(z.object({ name: z.string(), extensions: z.array(z.string()) })).optional(),
  })
  .strict();

export const dialogChannels = {
  'dialog.pickPath': { request: PickPathRequest, response: z.object({ path: z.string().nullable() }) },
} as const satisfies ChannelGroup<'dialog'>;
