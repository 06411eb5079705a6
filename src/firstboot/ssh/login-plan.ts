import { stat } from 'node:fs/promises';
import ssh2, { type AnyAuthMethod, type AuthHandlerMiddleware, type ParsedKey } from 'ssh2';

// A default import: Node's ESM loader cannot see `utils` among ssh2's CommonJS exports (the bench bundles are ESM).
const { utils } = ssh2;
import { keyPassphrase, keyUnreadable, noAgent } from './ssh-errors.js';

export type LoginMethod = 'agent' | 'key';

export interface LoginCredentials {
  /** The agent's socket path ($SSH_AUTH_SOCK). */
  agent?: string;
  /** An OpenSSH (or PEM) private key file's bytes. */
  privateKey?: Buffer;
  passphrase?: string;
}

/** How we will log in, checked locally before any network traffic; `authHandler` drives ssh2. */
export interface LoginPlan {
  methods: LoginMethod[];
  authHandler: AuthHandlerMiddleware;
  /** Methods started so far, in order; on 'ready' the last one is the one that worked. */
  tried: LoginMethod[];
}

/** The words for a method in an error message. */
export function describeMethod(method: LoginMethod): string {
  return method === 'agent' ? 'the keys in your SSH agent' : 'your private key';
}

/** Decrypts the key here, so a wrong passphrase is named as such instead of a vague "authentication failed". */
function unlockKey(privateKey: Buffer, passphrase: string | undefined): ParsedKey {
  const plain = utils.parseKey(privateKey);
  // ssh2's only signal that a key is encrypted is this message; see lib/protocol/keyParser.js.
  const encrypted = plain instanceof Error && /passphrase given/i.test(plain.message);
  if (encrypted && !passphrase) throw keyPassphrase(false);
  const parsed = encrypted ? utils.parseKey(privateKey, passphrase) : plain;
  if (parsed instanceof Error) {
    if (encrypted) throw keyPassphrase(true);
    throw keyUnreadable('it is not a private key in a format ssh2 reads');
  }
  const key = Array.isArray(parsed) ? (parsed[0] as ParsedKey) : parsed;
  if (!key.isPrivateKey()) throw keyUnreadable('it is a public key');
  return key;
}

async function isSocket(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isSocket(),
    () => false,
  );
}

/**
 * Checks the credentials (key decrypts, agent socket exists) and returns the order to try them in: the chosen key
 * first, since the user picked it for this host, then the agent. Never sends "none", which would be one more attempt.
 */
export async function planLogin(username: string, credentials: LoginCredentials): Promise<LoginPlan> {
  const key = credentials.privateKey ? unlockKey(credentials.privateKey, credentials.passphrase) : null;
  const agent = credentials.agent && (await isSocket(credentials.agent)) ? credentials.agent : null;
  if (!key && !agent) {
    throw noAgent(
      credentials.agent
        ? `the SSH agent socket ${credentials.agent} does not exist, and no private key was chosen`
        : 'no SSH agent is running (SSH_AUTH_SOCK is not set), and no private key was chosen',
    );
  }
  const steps: { method: LoginMethod; auth: AnyAuthMethod }[] = [];
  if (key) steps.push({ method: 'key', auth: { type: 'publickey', username, key } });
  if (agent) steps.push({ method: 'agent', auth: { type: 'agent', username, agent } });

  const tried: LoginMethod[] = [];
  const authHandler: AuthHandlerMiddleware = (_left, _partial, next) => {
    const step = steps[tried.length];
    if (!step) {
      // ssh2 takes `false` as "no more methods" (lib/client.js doNextAuth); its types do not say so.
      (next as unknown as (auth: false) => void)(false);
      return;
    }
    tried.push(step.method);
    next(step.auth);
  };
  return { methods: steps.map((s) => s.method), authHandler, tried };
}
