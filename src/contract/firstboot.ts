import { z } from 'zod';
import { HostName } from './hosts.js';
import { AddressInput } from './host-checks.js';
import {
  Ok,
  TaskId,
  TaskStarted,
  TerminalId,
  TerminalSize,
  type ChannelGroup,
  type TaskResultGroup,
} from './shared.js';

export {
  AddressInput,
  CommandCheck,
  HttpCheck,
  HostCheck,
  HostAccess,
  defaultHostAccess,
  type HostCheckInput,
} from './host-checks.js';

export const CheckStatus = z.enum(['pass', 'fail', 'skipped']);

/** What one check found; `output` is capped and never holds secrets the Pi did not print. */
export const CheckResult = z.object({
  /** `builtin:system-running`, `builtin:network`, `builtin:bootstrap-files`, `profile:<index>` */
  id: z.string(),
  name: z.string(),
  status: CheckStatus,
  /** One line: "running", "exit 1 (expected 0)", "HTTP 503 (expected 200)". */
  summary: z.string(),
  output: z.string(),
  durationMs: z.number(),
});
export type CheckResult = z.infer<typeof CheckResult>;

/** One discovery attempt, shown so "not found" explains itself. */
export const DiscoveryAttempt = z.object({
  at: z.string(),
  via: z.enum(['manual', 'mdns', 'dns']),
  /** What was asked (`pi.local`) or tried (`192.0.2.7:22`). */
  target: z.string(),
  result: z.enum(['resolved', 'not-found', 'open', 'refused', 'timeout', 'unreachable', 'error']),
  detail: z.string(),
});
export type DiscoveryAttempt = z.infer<typeof DiscoveryAttempt>;

export const TrustStatus = z.enum(['match', 'mismatch', 'unpinned', 'not-reached']);

export const FirstBootRequest = z
  .object({
    host: HostName,
    /** Overrides the profile's address for this run. */
    address: AddressInput.optional(),
    /** How long to wait for the Pi to come up, in seconds. */
    timeoutSeconds: z.number().int().min(5).max(3600).default(900),
    /** The exact key line the user approved after seeing it (a host the app never pinned). */
    trustPresentedKey: z.string().min(1).max(2000).optional(),
    /** The SSH private key file to log in with for this run, instead of the profile's. */
    identityFile: z.string().min(1).max(4096).optional(),
  })
  .strict();
export type FirstBootRequest = z.input<typeof FirstBootRequest>;

/** What a first-boot run found: the task's outcome, shown by the wizard and printed by the CLI. */
export const FirstBootStage = z.enum(['finding', 'verifying', 'logging-in', 'checking', 'done']);
export type FirstBootStage = z.infer<typeof FirstBootStage>;

export const FirstBootReport = z.object({
  host: HostName,
  /** Where a live run is; `done` once it ended (however it ended). */
  stage: FirstBootStage,
  /** What the run is waiting for right now ("systemd is still starting"), for the live view. */
  waiting: z.string().nullable(),
  found: z
    .object({ address: z.string(), port: z.number().int(), via: z.enum(['manual', 'mdns', 'dns']) })
    .nullable(),
  attempts: z.array(DiscoveryAttempt),
  trust: z.object({
    status: TrustStatus,
    presentedKeyLine: z.string().nullable(),
    presentedFingerprint: z.string().nullable(),
    pinnedFingerprint: z.string().nullable(),
    /** Why a mismatch matters and what to do, in words for the user. */
    explanation: z.string().nullable(),
  }),
  login: z.object({
    ok: z.boolean(),
    user: z.string(),
    method: z.enum(['agent', 'key']).nullable(),
    error: z.string().nullable(),
  }),
  checks: z.array(CheckResult),
  /** Key matched, login worked and every check passed. */
  passed: z.boolean(),
  elapsedSeconds: z.number(),
  nextSteps: z.object({
    ageRecipient: z.string().nullable(),
    sopsUpdateKeys: z.string().nullable(),
    deploy: z
      .object({
        file: z.string(),
        args: z.array(z.string()),
        env: z.record(z.string(), z.string()),
        /** The same command as one line a user could paste into a shell. */
        display: z.string(),
        /** What to know before running it (a Mac without a build host, the pin not enforced). */
        warning: z.string().nullable(),
      })
      .nullable(),
  }),
});
export type FirstBootReport = z.infer<typeof FirstBootReport>;

/** A first-boot run's result is its report, live while it runs and final (whatever the verdict) once it ended. */
export const firstBootTaskResults = { 'first-boot': FirstBootReport } as const satisfies TaskResultGroup;

export const firstBootChannels = {
  'firstBoot.start': { request: FirstBootRequest, response: TaskStarted },
  'firstBoot.saveKeyPassphrase': {
    request: z.object({ host: HostName, passphrase: z.string().min(1).max(1024) }).strict(),
    response: Ok,
  },
  /** Runs the report's deploy command (never one the renderer made up) in a terminal. */
  'firstBoot.deploy': {
    request: TerminalSize.extend({ id: TaskId }).strict(),
    response: z.object({ id: TerminalId }),
  },
} as const satisfies ChannelGroup<'firstBoot'>;
