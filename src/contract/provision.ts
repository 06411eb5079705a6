import { z } from 'zod';
import { FileInfo, HostName, PinnedHostKey, ProvisionRecord } from './hosts.js';
import { Empty, TaskStarted, type ChannelGroup, type TaskResultGroup } from './shared.js';

/**
 * What to provision. Secrets come from the host's SOPS file, from values typed here, or both (typed values win);
 * without a host key anywhere a new one is generated. Without an image the sdImage is built with nix.
 */
export const ProvisionRequest = z
  .object({
    host: HostName,
    /** A file path, or an existing folder (then `<folder>/<host>.img`). */
    dest: z.string().min(1, 'choose where to write the image'),
    imagePath: z.string().min(1).optional(),
    flakeDir: z.string().min(1).optional(),
    sopsFile: z.string().min(1).optional(),
    ageKeyFile: z.string().min(1).optional(),
    wifiSsid: z.string().optional(),
    wifiPsk: z.string().optional(),
    wifiCountry: z.string().optional(),
    hostKeyFile: z.string().min(1).optional(),
    /** For a Pi on Ethernet: write no Wi-Fi file at all. */
    noWifi: z.boolean().optional(),
    /** Also pin the key in ~/.ssh/known_hosts (the app's own known_hosts is always written). */
    pinToUserKnownHosts: z.boolean().optional(),
    /** Replace an existing file at dest. */
    overwrite: z.boolean().optional(),
  })
  .strict();
export type ProvisionRequest = z.infer<typeof ProvisionRequest>;

const SecretOrigin = z.enum(['sops', 'typed', 'file', 'generated', 'none']);

/** The checked plan shown before any expensive work; holds no secret (the SSID is shown, the PSK is not). */
export const ProvisionPlan = z.object({
  host: HostName,
  dest: z.string(),
  source: z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('file'),
      path: z.string(),
      format: z.enum(['raw', 'zstd', 'xz', 'gzip']),
      sizeBytes: z.number().int(),
    }),
    z.object({ kind: z.literal('nix'), flakeDir: z.string(), attribute: z.string() }),
  ]),
  wifi: z
    .object({
      ssid: z.string(),
      ssidFrom: SecretOrigin,
      pskFrom: SecretOrigin,
      country: z.string().nullable(),
    })
    .nullable(),
  hostKey: z.object({
    from: SecretOrigin,
    /** Null when the key will be generated when provisioning starts. */
    fingerprint: z.string().nullable(),
    ageRecipient: z.string().nullable(),
  }),
  sopsKeysFound: z.array(z.string()),
  files: z.array(FileInfo.omit({ sha256: true })),
  warnings: z.array(z.string()),
});
export type ProvisionPlan = z.infer<typeof ProvisionPlan>;

/**
 * What a provisioning run made: the record saved in the host profile, the pinned key, and every file as read back.
 * Only in the process that ran it do `files` carry the Wi-Fi file's digest; the history keeps it as the record does.
 */
export const ProvisionResult = z.object({
  record: ProvisionRecord,
  pin: PinnedHostKey,
  files: z.array(FileInfo),
});
export type ProvisionResult = z.infer<typeof ProvisionResult>;

export const provisionTaskResults = { provision: ProvisionResult } as const satisfies TaskResultGroup;

export const provisionChannels = {
  'provision.check': { request: ProvisionRequest, response: ProvisionPlan },
  'provision.start': { request: ProvisionRequest, response: TaskStarted },
  'provision.nixosModule': {
    request: Empty,
    response: z.object({ path: z.string(), text: z.string(), whyVarLib: z.string() }),
  },
} as const satisfies ChannelGroup<'provision'>;
