import { isIP } from 'node:net';
import type { FirstBootReport, HostProfile } from '../contract/index.js';
import { quoteForShell } from './checks/shell-quote.js';

export interface NextStepsContext {
  profile: HostProfile;
  found: { address: string; port: number } | null;
  /** The age recipient of the key the Pi proved it holds (the pin, or a key trusted in this run). */
  ageRecipient: string | null;
  /** An ssh config (see deploySshConfig) whose path has no whitespace; null when none could be written. */
  sshConfigFile: string | null;
  platform: NodeJS.Platform;
  /** Whether `nixos-rebuild` is on this machine's PATH (NixOS); otherwise it runs through `nix run`. */
  hasNixosRebuild: boolean;
}

export type DeployCommand = NonNullable<FirstBootReport['nextSteps']['deploy']>;

/** Quotes for display only when the shell would otherwise split or expand the word. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./#[\]-]+$/.test(word) ? word : quoteForShell(word);
}

/** What the user does after a good first boot: add the age recipient to .sops.yaml, then the first deploy. */
export function nextSteps(context: NextStepsContext): FirstBootReport['nextSteps'] {
  const { profile, found } = context;
  const sopsFile = profile.sopsFile;
  return {
    ageRecipient: context.ageRecipient || null,
    sopsUpdateKeys: sopsFile ? `sops updatekeys ${shellWord(sopsFile)}` : null,
    deploy: profile.flakeDir && found ? deployCommand(context, profile.flakeDir, found) : null,
  };
}

/** `user@host` as nixos-rebuild passes it to nix and ssh; an IPv6 address needs brackets there (nix ≥ 2.31). */
function sshTarget(user: string, address: string): string {
  return isIP(address) === 6 ? `${user}@[${address}]` : `${user}@${address}`;
}

function deployCommand(
  context: NextStepsContext,
  flakeDir: string,
  found: { address: string; port: number },
): DeployCommand {
  const { profile } = context;
  const { sshUser, buildHost } = profile.access;
  const rebuild = [
    'switch',
    '--flake',
    `${flakeDir}#${profile.name}`,
    '--target-host',
    sshTarget(sshUser, found.address),
    ...(buildHost ? ['--build-host', buildHost] : []),
    // Activation needs root on the Pi; a non-root login gets there through sudo.
    ...(sshUser === 'root' ? [] : ['--use-remote-sudo']),
  ];
  // nixos-rebuild only exists on NixOS; elsewhere (macOS, other Linux with nix) it comes from nixpkgs, and a default
  // Nix install has flakes switched off.
  const useNixRun = context.platform === 'darwin' || !context.hasNixosRebuild;
  const file = useNixRun ? 'nix' : 'nixos-rebuild';
  const args = useNixRun
    ? [
        '--extra-experimental-features',
        'nix-command flakes',
        'run',
        'nixpkgs#nixos-rebuild',
        '--',
        ...rebuild,
      ]
    : rebuild;
  // nixos-rebuild splits NIX_SSHOPTS on whitespace without honouring quotes; the config file's path has none.
  const sshOpts = context.sshConfigFile
    ? `-F ${context.sshConfigFile}`
    : found.port === 22
      ? ''
      : `-p ${found.port}`;
  const env: Record<string, string> = sshOpts ? { NIX_SSHOPTS: sshOpts } : {};
  const display = [
    ...(sshOpts ? [`NIX_SSHOPTS=${quoteForShell(sshOpts)}`] : []),
    file,
    ...args.map(shellWord),
  ].join(' ');
  const warnings = [
    ...(context.sshConfigFile
      ? []
      : ['The deploy uses your own ~/.ssh/known_hosts: the pinned key could not be handed to its ssh.']),
    // A Mac cannot build aarch64-linux closures by itself; a Pi should not build them either.
    ...(context.platform === 'darwin' && !buildHost
      ? [
          'This Mac cannot build the Pi’s (Linux) system by itself: set a build host (a Linux machine or builder) ' +
            'for this host, or configure a Linux builder in Nix first.',
        ]
      : []),
  ];
  return { file, args, env, display, warning: warnings.length ? warnings.join(' ') : null };
}
