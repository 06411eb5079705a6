import { z } from 'zod';
import { Empty, type ChannelGroup } from './shared.js';

export const ToolStatus = z.object({
  id: z.string(),
  name: z.string(),
  purpose: z.string(),
  found: z.boolean(),
  path: z.string().nullable(),
  version: z.string().nullable(),
  /** Why a found tool is still not usable (too old, fails to run). */
  problem: z.string().nullable(),
  installHint: z.string(),
  requiredFor: z.array(z.string()),
});
export type ToolStatus = z.infer<typeof ToolStatus>;

export const DoctorReport = z.object({
  platform: z.string(),
  packageManager: z.string().nullable(),
  tools: z.array(ToolStatus),
});
export type DoctorReport = z.infer<typeof DoctorReport>;

export const doctorChannels = {
  'doctor.run': { request: Empty, response: DoctorReport },
} as const satisfies ChannelGroup<'doctor'>;
