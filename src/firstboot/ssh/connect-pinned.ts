import { Client } from 'ssh2';
import { CancelledError } from '../../errors.js';
import {
  describeMethod,
  planLogin,
  type LoginCredentials,
  type LoginMethod,
  type LoginPlan,
} from './login-plan.js';
import { PinnedSession } from './pinned-session.js';
import {
  describePresentedKey,
  hostKeyAlgorithmsFor,
  pinnedKeyBlob,
  type PresentedHostKey,
} from './presented-key.js';
import { authFailed, hostKeyType, loginDropped, unreachable } from './ssh-errors.js';

export interface ConnectPinnedOptions {
  host: string;
  port: number;
  username: string;
  /** `ssh-ed25519 AAAA… comment` as pinned at provisioning; null: only fetch the key to show it, never log in. */
  pinnedKeyLine: string | null;
  auth: LoginCredentials;
  signal?: AbortSignal;
  /** Connect plus key exchange plus login; default 20 s. */
  readyTimeoutMs?: number;
}

export type ConnectPinnedResult =
  | { kind: 'trusted'; session: PinnedSession; presented: PresentedHostKey; method: LoginMethod }
  | { kind: 'mismatch'; presented: PresentedHostKey; pinnedFingerprint: string }
  | { kind: 'unpinned'; presented: PresentedHostKey };

const DEFAULT_READY_TIMEOUT_MS = 20_000;

const SOCKET_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'the name does not resolve',
  EAI_AGAIN: 'the name does not resolve',
};

type PinnedKey = ReturnType<typeof pinnedKeyBlob>;

/** What a connection whose host key was refused returns: the key shown, and the pin it failed (if any). */
function refusedHostVerdict(shown: PresentedHostKey, pinned: PinnedKey | null): ConnectPinnedResult {
  return pinned
    ? { kind: 'mismatch', presented: shown, pinnedFingerprint: pinned.fingerprint }
    : { kind: 'unpinned', presented: shown };
}

/** Turns an ssh2 error into ours; after the host key matched, a dropped connection is a login problem. */
function classifyConnectError(
  error: Error & { level?: string; code?: string },
  attempt: {
    host: string;
    port: number;
    username: string;
    readyTimeout: number;
    pinned: PinnedKey | null;
    login: LoginPlan | null;
  },
  hostAccepted: boolean,
): Error {
  const { host, port, username, readyTimeout, pinned, login } = attempt;
  if (error.level === 'client-authentication')
    return authFailed(username, host, (login?.tried ?? []).map(describeMethod));
  if (error.level === 'client-timeout') {
    return unreachable(host, port, `no SSH handshake within ${Math.ceil(readyTimeout / 1000)} s`, error);
  }
  if (error.level === 'handshake' && pinned && /host key/i.test(error.message)) {
    return hostKeyType(host, port, pinned.keyType);
  }
  const reason = (error.code && SOCKET_REASONS[error.code]) ?? error.message;
  if (hostAccepted) return loginDropped(username, host, reason, error);
  return unreachable(host, port, reason, error);
}

/**
 * Connects to `host`, compares the host key it presents byte for byte with the pinned one, and logs in only when they
 * are equal. On a mismatch (or with nothing pinned) the key exchange is aborted before any authentication, so the
 * host never sees our user name or keys. Credentials are checked locally first: key passphrase, agent socket.
 */
export async function connectPinned(options: ConnectPinnedOptions): Promise<ConnectPinnedResult> {
  const { host, port, username, signal } = options;
  if (signal?.aborted) throw new CancelledError(`Connecting to ${host} was cancelled.`);
  const pinned = options.pinnedKeyLine === null ? null : pinnedKeyBlob(options.pinnedKeyLine);
  const login = pinned ? await planLogin(username, options.auth) : null;
  const readyTimeout = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const serverHostKey = pinned ? hostKeyAlgorithmsFor(pinned.keyType) : undefined;

  const client = new Client();
  // Errors can still arrive after we settle (a socket closing late); unhandled, they would crash the process.
  client.on('error', () => {});
  let presented: PresentedHostKey | null = null;
  let hostRejected = false;
  // Once the key matched, the Pi is up and talking: a drop from here on (MaxAuthTries, "Too many authentication
  // failures" from an agent with many keys) is a login problem, not a Pi still booting, and must not be retried.
  let hostAccepted = false;

  const verdict = () => refusedHostVerdict(presented as PresentedHostKey, pinned);
  const attempt = { host, port, username, readyTimeout, pinned, login };

  return new Promise<ConnectPinnedResult>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      client.off('ready', onReady).off('error', onError).off('close', onClose);
      outcome();
    };
    const onAbort = (): void => {
      client.destroy();
      settle(() => reject(new CancelledError(`Connecting to ${host} was cancelled.`)));
    };
    const onReady = (): void => {
      const method = login?.tried.at(-1) ?? 'key';
      const session = new PinnedSession(client, host);
      settle(() => resolve({ kind: 'trusted', session, presented: presented as PresentedHostKey, method }));
    };
    const onError = (error: Error & { level?: string }): void => {
      // A missing or broken agent is reported this way, and ssh2 goes on with the next method.
      if (error.level === 'agent') return;
      client.destroy();
      settle(() =>
        hostRejected ? resolve(verdict()) : reject(classifyConnectError(error, attempt, hostAccepted)),
      );
    };
    const onClose = (): void => {
      settle(() =>
        hostRejected
          ? resolve(verdict())
          : reject(
              hostAccepted
                ? loginDropped(username, host, 'the connection closed during the login')
                : unreachable(host, port, 'the connection closed during the SSH handshake'),
            ),
      );
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    client.on('ready', onReady).on('error', onError).on('close', onClose);
    client.connect({
      host,
      port,
      username,
      readyTimeout,
      // The raw key blob (no hostHash), compared with the pinned blob; false makes ssh2 abort the key exchange.
      hostVerifier: (key: Buffer): boolean => {
        presented = describePresentedKey(key);
        const trusted = pinned !== null && key.equals(pinned.blob);
        hostRejected = !trusted;
        hostAccepted = trusted;
        return trusted;
      },
      authHandler: login?.authHandler ?? [],
      algorithms: serverHostKey ? { serverHostKey } : undefined,
    });
  });
}
