import { z } from 'zod';
import { HostProfile } from './hosts.js';
import { Empty, type ChannelGroup } from './shared.js';

export const ThemeChoice = z.enum(['system', 'light', 'dark']);

export const Settings = z.object({
  version: z.literal(2),
  theme: ThemeChoice,
  terminalFontSize: z.number().int().min(8).max(32),
  taskHistoryLimit: z.number().int().min(5).max(500),
  hosts: z.array(HostProfile),
});
export type Settings = z.infer<typeof Settings>;

/** Preferences the user edits directly; host profiles have their own channels. */
export const SettingsPatch = Settings.omit({ version: true, hosts: true }).partial().strict();
export type SettingsPatch = z.infer<typeof SettingsPatch>;

export const SettingsView = z.object({
  settings: Settings,
  file: z.string(),
  /** Set when a corrupt settings file was moved aside at start-up, so the UI can say so once. */
  recoveredFrom: z.string().nullable(),
});
export type SettingsView = z.infer<typeof SettingsView>;

export const settingsChannels = {
  'settings.get': { request: Empty, response: SettingsView },
  'settings.update': { request: SettingsPatch, response: SettingsView },
} as const satisfies ChannelGroup<'settings'>;
