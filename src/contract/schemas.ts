import { z } from 'zod';
import { HostProfile } from './hosts.js';

/** Shapes shared by requests, responses and events. Everything here crosses a process boundary. */

export const ErrorInfo = z.object({ code: z.string(), message: z.string(), hint: z.string() });
export type ErrorInfo = z.infer<typeof ErrorInfo>;

export const TaskId = z.string().regex(/^[a-z0-9-]{1,64}$/, 'a task id looks like "t-…"');
export const TaskState = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']);
export type TaskState = z.infer<typeof TaskState>;

export const TaskProgress = z.object({
  phase: z.string(),
  done: z.number().nonnegative(),
  /** Unknown total (e.g. a stream of unknown length) is null; the UI then shows an indeterminate bar. */
  total: z.number().nonnegative().nullable(),
  /** Units per second, smoothed; null until two samples exist. */
  rate: z.number().nonnegative().nullable(),
  /** What done/total count: bytes get MB/s, items get items/s. */
  unit: z.enum(['bytes', 'items', 'steps']),
});
export type TaskProgress = z.infer<typeof TaskProgress>;

export const TaskSnapshot = z.object({
  id: TaskId,
  kind: z.string(),
  title: z.string(),
  state: TaskState,
  progress: TaskProgress.nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  error: ErrorInfo.nullable(),
  /** What the task left behind, in words (e.g. "the card is unusable until flashed again"). */
  outcome: z.string().nullable(),
  logFile: z.string(),
});
export type TaskSnapshot = z.infer<typeof TaskSnapshot>;

export const LogLine = z.object({
  at: z.string(),
  level: z.enum(['debug', 'info', 'warn', 'error']),
  message: z.string(),
});
export type LogLine = z.infer<typeof LogLine>;

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

export const KeychainStatus = z.object({
  available: z.boolean(),
  backend: z.string(),
  message: z.string(),
  hint: z.string().nullable(),
});
export type KeychainStatus = z.infer<typeof KeychainStatus>;

/**
 * Opening a terminal names only its size: the core starts the user's login shell, and typing reaches it as input.
 * The renderer is untrusted, so no request chooses a program, its arguments, folder or environment.
 */
export const TerminalStartRequest = z
  .object({
    cols: z.number().int().min(2).max(1000),
    rows: z.number().int().min(2).max(500),
  })
  .strict();
export type TerminalStartRequest = z.infer<typeof TerminalStartRequest>;

export const TerminalId = z.string().regex(/^pty-[0-9]+$/);
