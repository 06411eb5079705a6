import { z } from 'zod';
import {
  DoctorReport,
  KeychainStatus,
  LogLine,
  SettingsPatch,
  SettingsView,
  TaskId,
  TaskSnapshot,
  TerminalId,
  TerminalStartRequest,
} from './schemas.js';
import { HostName, HostProfile, HostProfileInput } from './hosts.js';
import { ProvisionPlan, ProvisionRequest } from './provision.js';
import { DriveChoice, FlashRequest } from './flash.js';
import { FirstBootReport, FirstBootRequest } from './firstboot.js';

const Empty = z.object({}).strict();
const Ok = z.object({ ok: z.literal(true) });

/**
 * Every request/response channel, declared once. The name is `<group>.<verb>`: preload and the test bridge turn it
 * into `window.companion.<group>.<verb>(request)`.
 */
export const channels = {
  'app.info': {
    request: Empty,
    response: z.object({ name: z.string(), version: z.string(), platform: z.string(), dataDir: z.string() }),
  },
  'doctor.run': { request: Empty, response: DoctorReport },
  'tasks.list': { request: Empty, response: z.array(TaskSnapshot) },
  'tasks.log': { request: z.object({ id: TaskId }).strict(), response: z.array(LogLine) },
  'tasks.cancel': {
    request: z.object({ id: TaskId }).strict(),
    response: z.object({ cancelled: z.boolean() }),
  },
  'tasks.clearHistory': { request: Empty, response: z.object({ removed: z.number().int() }) },
  'tasks.startSelfTest': {
    request: z
      .object({
        steps: z.number().int().min(1).max(10_000),
        stepMs: z.number().int().min(1).max(10_000),
        failAt: z.number().int().min(1).optional(),
      })
      .strict(),
    response: z.object({ id: TaskId }),
  },
  'settings.get': { request: Empty, response: SettingsView },
  'settings.update': { request: SettingsPatch, response: SettingsView },
  'keychain.status': { request: Empty, response: KeychainStatus },
  /** Opens the user's login shell; every other program the core runs, it builds itself (see firstBoot.deploy). */
  'terminal.start': {
    request: TerminalStartRequest,
    response: z.object({ id: TerminalId, shell: z.string() }),
  },
  'terminal.write': {
    request: z.object({ id: TerminalId, data: z.string().max(65_536) }).strict(),
    response: Ok,
  },
  'terminal.resize': {
    request: z
      .object({
        id: TerminalId,
        cols: z.number().int().min(2).max(1000),
        rows: z.number().int().min(2).max(500),
      })
      .strict(),
    response: Ok,
  },
  'terminal.kill': { request: z.object({ id: TerminalId }).strict(), response: Ok },
  'hosts.list': { request: Empty, response: z.array(HostProfile) },
  'hosts.save': { request: HostProfileInput, response: HostProfile },
  'hosts.remove': {
    request: z.object({ name: HostName }).strict(),
    response: z.object({ removed: z.boolean() }),
  },
  'provision.check': { request: ProvisionRequest, response: ProvisionPlan },
  'provision.start': { request: ProvisionRequest, response: z.object({ id: TaskId }) },
  'provision.nixosModule': {
    request: Empty,
    response: z.object({ path: z.string(), text: z.string(), whyVarLib: z.string() }),
  },
  'flash.drives': {
    request: z
      .object({ showAllDrives: z.boolean().optional(), image: z.string().min(1).optional() })
      .strict(),
    response: z.array(DriveChoice),
  },
  'flash.start': { request: FlashRequest, response: z.object({ id: TaskId }) },
  'firstBoot.start': { request: FirstBootRequest, response: z.object({ id: TaskId }) },
  'firstBoot.report': {
    request: z.object({ id: TaskId }).strict(),
    response: z.object({ report: FirstBootReport.nullable() }),
  },
  'firstBoot.saveKeyPassphrase': {
    request: z.object({ host: HostName, passphrase: z.string().min(1).max(1024) }).strict(),
    response: Ok,
  },
  /** Runs the report's deploy command (never one the renderer made up) in a terminal. */
  'firstBoot.deploy': {
    request: z
      .object({
        id: TaskId,
        cols: z.number().int().min(2).max(1000),
        rows: z.number().int().min(2).max(500),
      })
      .strict(),
    response: z.object({ id: TerminalId }),
  },
  'dialog.pickPath': {
    request: z
      .object({
        purpose: z.enum(['open-file', 'save-file', 'folder']),
        title: z.string().max(200),
        defaultPath: z.string().optional(),
        filters: z.array(z.object({ name: z.string(), extensions: z.array(z.string()) })).optional(),
      })
      .strict(),
    response: z.object({ path: z.string().nullable() }),
  },
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
