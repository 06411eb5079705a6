import { z } from 'zod';

/** `host`, `host:port`, `192.0.2.7`, `[fe80::1]:2222`: what the user may type as the Pi's address. */
export const AddressInput = z
  .string()
  .trim()
  .min(1)
  .max(300)
  .regex(
    /^(\[[0-9a-fA-F:.%\w-]+\]|[A-Za-z0-9.-]+|[0-9a-fA-F:]+)(:\d{1,5})?$/,
    'an address is a host name or IP, optionally with :port (IPv6 with a port in [brackets])',
  );

/** A shell command run on the Pi over SSH; passes when the exit code (and optionally the output) is as expected. */
export const CommandCheck = z
  .object({
    kind: z.literal('command'),
    name: z.string().trim().min(1).max(80),
    command: z.string().min(1).max(4000),
    expectExit: z.number().int().min(0).max(255).default(0),
    /** A substring stdout must contain; null checks the exit code only. */
    expectOutput: z.string().max(1000).nullable().default(null),
    timeoutSeconds: z.number().int().min(1).max(600).default(30),
  })
  .strict();
export type CommandCheck = z.infer<typeof CommandCheck>;

/** An HTTP(S) GET; from the Pi (tunnelled through the SSH connection) or from this machine. */
export const HttpCheck = z
  .object({
    kind: z.literal('http'),
    name: z.string().trim().min(1).max(80),
    url: z
      .string()
      .url()
      .refine((u) => /^https?:\/\//i.test(u), 'only http:// and https:// URLs can be checked'),
    from: z.enum(['pi', 'here']).default('pi'),
    expectStatus: z.number().int().min(100).max(599).default(200),
    /** A substring the body must contain; null checks the status only. */
    expectBody: z.string().max(1000).nullable().default(null),
    timeoutSeconds: z.number().int().min(1).max(300).default(10),
  })
  .strict();
export type HttpCheck = z.infer<typeof HttpCheck>;

/** One of a host profile's own first-boot checks. */
export const HostCheck = z.discriminatedUnion('kind', [CommandCheck, HttpCheck]);
export type HostCheck = z.infer<typeof HostCheck>;
export type HostCheckInput = z.input<typeof HostCheck>;

/** How the app reaches a host after first boot; public data only (a key passphrase lives in the keychain). */
export const HostAccess = z
  .object({
    /** The login user; NixOS Pis usually allow root with a key. */
    sshUser: z
      .string()
      .regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'a user name is lower-case letters, digits, "_" and "-"')
      .default('root'),
    /** A fixed address to try besides `<host>.local` and DNS; null tries only those. */
    address: AddressInput.nullable().default(null),
    /** A private key file; null uses the SSH agent ($SSH_AUTH_SOCK). */
    identityFile: z.string().min(1).nullable().default(null),
    /** Where `nixos-rebuild` builds (`--build-host`); null builds on this machine. Pis should not build themselves. */
    buildHost: z
      .string()
      .trim()
      .max(300)
      // It becomes an ssh destination: a leading "-" would be read as an option (-oProxyCommand=…).
      .regex(
        /^([a-z_][a-z0-9_-]*@)?([A-Za-z0-9][A-Za-z0-9.-]*|\[[0-9a-fA-F:.]+\])$/,
        'a build host is [user@]host, e.g. root@builder.lan',
      )
      .nullable()
      .default(null),
  })
  .strict();
export type HostAccess = z.infer<typeof HostAccess>;

/** A change to a host's access: each field optional, and none filled in by default (one left out keeps its value). */
export const HostAccessChange = z
  .object({
    sshUser: HostAccess.shape.sshUser.unwrap().optional(),
    address: HostAccess.shape.address.unwrap().optional(),
    identityFile: HostAccess.shape.identityFile.unwrap().optional(),
    buildHost: HostAccess.shape.buildHost.unwrap().optional(),
  })
  .strict();
export const defaultHostAccess: HostAccess = HostAccess.parse({});
