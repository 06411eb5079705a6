import { z } from 'zod';
import { HostAccess, HostAccessChange, HostCheck, defaultHostAccess } from './host-checks.js';
import { Empty, type ChannelGroup } from './shared.js';

/** A host name as NixOS and DNS accept it: it becomes `<host>.local`, the flake attribute and the image name. */
export const HostName = z
  .string()
  .regex(
    /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/,
    'a host name is 1–63 lower-case letters, digits and "-", not starting or ending with "-"',
  );

export const FileInfo = z.object({
  path: z.string(),
  mode: z.number().int(),
  uid: z.number().int(),
  gid: z.number().int(),
  /** Null where keeping a digest would leak a guessable secret (the Wi-Fi file). */
  sha256: z.string().nullable(),
});
export type FileInfo = z.infer<typeof FileInfo>;

/** What a successful provisioning proved, kept so flashing and first boot can check against it. */
export const ProvisionRecord = z.object({
  image: z.string(),
  /** SHA-256 of the whole image, in records from versions that hashed it; flashing still matches on it. */
  sha256: z.string().optional(),
  sizeBytes: z.number().int(),
  at: z.string(),
  rootPartitionOffset: z.number().int(),
  hostKeyFingerprint: z.string(),
  ageRecipient: z.string(),
  files: z.array(FileInfo),
});
export type ProvisionRecord = z.infer<typeof ProvisionRecord>;

/** The pinned SSH host key: public data only. */
export const PinnedHostKey = z.object({
  publicKeyLine: z.string(),
  fingerprint: z.string(),
  ageRecipient: z.string().nullable(),
  pinnedAt: z.string(),
});
export type PinnedHostKey = z.infer<typeof PinnedHostKey>;

export const SecretKeyNames = z.object({
  wifiSsid: z.string().min(1),
  wifiPsk: z.string().min(1),
  hostKey: z.string().min(1),
  wifiCountry: z.string().min(1),
});
export type SecretKeyNames = z.infer<typeof SecretKeyNames>;

export const defaultSecretKeyNames: SecretKeyNames = {
  wifiSsid: 'wifi_ssid',
  wifiPsk: 'wifi_psk',
  hostKey: 'ssh_host_ed25519_key',
  wifiCountry: 'wifi_country',
};

/** A host profile lives in the settings file; it never holds a secret. */
export const HostProfile = z.object({
  name: HostName,
  flakeDir: z.string().nullable(),
  /** A local image to start from; null builds the sdImage with nix from `flakeDir`. */
  imagePath: z.string().nullable(),
  sopsFile: z.string().nullable(),
  /** Where the last provisioned image was written, offered again next time. */
  outputDir: z.string().nullable().default(null),
  /** The age key file that opened the SOPS file last time (a path; the key itself is never stored). */
  ageKeyFile: z.string().nullable().default(null),
  secretKeys: SecretKeyNames,
  wifiCountry: z
    .string()
    .regex(/^[A-Z]{2}$/, 'a Wi-Fi country is a two-letter code such as DE or US')
    .nullable(),
  /** The host's own first-boot checks (shell commands on the Pi, HTTP endpoints), run after the built-in ones. */
  checks: z.array(HostCheck).max(30).default([]),
  /** How to reach and log in to the host once it runs; older profiles get the defaults (root, agent). */
  access: HostAccess.default(defaultHostAccess),
  pinnedHostKey: PinnedHostKey.nullable(),
  lastProvision: ProvisionRecord.nullable(),
});
export type HostProfile = z.infer<typeof HostProfile>;

/**
 * What the user edits; pins and records are written by the core only. Every field but the name may be left out, and
 * a field left out keeps what is saved: a form sends what the user changed, never a blank for what it did not show.
 * `null` clears a field. No field has a default here (zod would fill it in for a field left out).
 */
export const HostProfileInput = z
  .object({
    name: HostName,
    flakeDir: HostProfile.shape.flakeDir.optional(),
    imagePath: HostProfile.shape.imagePath.optional(),
    sopsFile: HostProfile.shape.sopsFile.optional(),
    outputDir: HostProfile.shape.outputDir.unwrap().optional(),
    ageKeyFile: HostProfile.shape.ageKeyFile.unwrap().optional(),
    wifiCountry: HostProfile.shape.wifiCountry.optional(),
    secretKeys: SecretKeyNames.partial().optional(),
    checks: z.array(HostCheck).max(30).optional(),
    access: HostAccessChange.optional(),
  })
  .strict();
export type HostProfileInput = z.input<typeof HostProfileInput>;

export const hostsChannels = {
  'hosts.list': { request: Empty, response: z.array(HostProfile) },
  'hosts.save': { request: HostProfileInput, response: HostProfile },
  'hosts.remove': {
    request: z.object({ name: HostName }).strict(),
    response: z.object({ removed: z.boolean() }),
  },
} as const satisfies ChannelGroup<'hosts'>;
