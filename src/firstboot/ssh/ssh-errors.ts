import { DomainError } from '../../errors.js';

/** Why connecting to the Pi, logging in or a request through the tunnel failed. */
export type FirstbootSshErrorCode =
  | 'firstboot-auth-failed'
  | 'firstboot-host-key-type'
  | 'firstboot-http-failed'
  | 'firstboot-http-timeout'
  | 'firstboot-http-tls'
  | 'firstboot-key-invalid'
  | 'firstboot-key-passphrase'
  | 'firstboot-login-dropped'
  | 'firstboot-no-agent'
  | 'firstboot-ssh-lost'
  | 'firstboot-ssh-unreachable';

/**
 * A first-boot SSH step that failed: connecting, authenticating, running a command or tunnelling HTTP. The message
 * names the host, user or URL; never a key, passphrase or command output.
 */
export class FirstbootSshError extends DomainError<FirstbootSshErrorCode> {}

export function unreachable(host: string, port: number, why: string, cause?: unknown): FirstbootSshError {
  return new FirstbootSshError(
    'firstboot-ssh-unreachable',
    `Could not reach SSH on ${host}:${port} (${why}).`,
    'Check that the Pi is powered, has finished booting and is on the same network; first boot can take a few minutes. Then try again.',
    { cause },
  );
}

export function authFailed(user: string, host: string, methods: string[]): FirstbootSshError {
  const tried = methods.length ? methods.join(' and ') : 'no method';
  return new FirstbootSshError(
    'firstboot-auth-failed',
    `${host} did not accept ${user} with ${tried}.`,
    `Add your public key to users.users.${user}.openssh.authorizedKeys.keys in the host's NixOS config and rebuild the image, or choose the key that is already there.`,
  );
}

export function keyPassphrase(given: boolean): FirstbootSshError {
  return new FirstbootSshError(
    'firstboot-key-passphrase',
    given
      ? 'The passphrase does not unlock your SSH private key.'
      : 'Your SSH private key is protected by a passphrase, and none was given.',
    "Save the key's passphrase in the keychain (or load the key into your SSH agent), then try again.",
  );
}

export function keyUnreadable(why: string): FirstbootSshError {
  return new FirstbootSshError(
    'firstboot-key-invalid',
    `Your SSH private key cannot be used (${why}).`,
    'Choose an OpenSSH private key file (e.g. ~/.ssh/id_ed25519, not the .pub), or use your SSH agent.',
  );
}

export function noAgent(why: string): FirstbootSshError {
  return new FirstbootSshError(
    'firstboot-no-agent',
    `There is no way to log in: ${why}.`,
    'Start your SSH agent and add your key (ssh-add), or choose a private key file for this host.',
  );
}

export function hostKeyType(host: string, port: number, keyType: string): FirstbootSshError {
  return new FirstbootSshError(
    'firstboot-host-key-type',
    `${host}:${port} offers no ${keyType} host key, which is the kind of key pinned for it.`,
    'This may be a different machine than the one provisioned. Check the address; if the Pi was reinstalled, provision its image again.',
  );
}

export function sessionLost(host: string, why: string, cause?: unknown): FirstbootSshError {
  return new FirstbootSshError(
    'firstboot-ssh-lost',
    `The SSH connection to ${host} failed (${why}).`,
    'Check that the Pi is still on the network, then run the checks again.',
    { cause },
  );
}

/** The host key matched, then the server hung up during the login (too many keys offered, MaxAuthTries, AllowUsers). */
export function loginDropped(user: string, host: string, why: string, cause?: unknown): FirstbootSshError {
  return new FirstbootSshError(
    'firstboot-login-dropped',
    `${host} presented the pinned host key, then closed the connection while ${user} was logging in (${why}).`,
    'This is usually sshd refusing after too many keys were offered (MaxAuthTries): choose the key file for this host instead of the agent, or allow the user in the NixOS config. The Pi itself is up.',
    { cause },
  );
}
