import { request, type IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { Client, ClientChannel } from 'ssh2';
import { CancelledError, InvalidRequestError } from '../../errors.js';
import type { HttpResult, RunOptions } from '../remote-shell.js';
import { CappedBytes } from './capped-bytes.js';
import { FirstbootSshError } from './ssh-errors.js';

export interface TunnelHttpOptions {
  /**
   * Extra CA certificates (PEM) to trust for https, e.g. a self-signed certificate of a service on the Pi. Certificates
   * are always verified; there is deliberately no switch to skip that.
   */
  ca?: string | Buffer;
}

function parseUrl(url: string): { target: URL; host: string; port: number; https: boolean } {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new InvalidRequestError(
      `"${url}" is not a URL.`,
      'Use a full URL such as http://localhost:8080/health.',
    );
  }
  const https = target.protocol === 'https:';
  if (!https && target.protocol !== 'http:') {
    throw new InvalidRequestError(`Only http:// and https:// URLs can be checked, not ${target.protocol}.`);
  }
  // URL keeps IPv6 literals in brackets; sshd wants the bare address.
  const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
  return { target, host, port: Number(target.port) || (https ? 443 : 80), https };
}

function httpFailed(url: string, why: string, cause?: unknown): FirstbootSshError {
  return new FirstbootSshError(
    'firstboot-http-failed',
    `GET ${url} from the Pi failed (${why}).`,
    'Check that the service is running on the Pi (systemctl status) and listens on that address and port.',
    { cause },
  );
}

function tlsFailed(url: string, code: string, cause: unknown): FirstbootSshError {
  return new FirstbootSshError(
    'firstboot-http-tls',
    `The certificate of ${url} was not accepted (${code}).`,
    'Certificates are always checked. For a service with a self-signed certificate, check its http:// port instead, or give it a certificate from a CA this computer trusts.',
    { cause },
  );
}

function openTunnel(client: Client, host: string, port: number): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    // The source address is only informational for sshd; 127.0.0.1:0 says "a local client".
    client.forwardOut('127.0.0.1', 0, host, port, (error, channel) =>
      error ? reject(error) : resolve(channel),
    );
  });
}

/** The TLS handshake on its own, so a refused certificate is reported as such (http.request only says "hang up"). */
function startTls(
  channel: ClientChannel,
  host: string,
  url: string,
  ca: string | Buffer | undefined,
): Promise<TLSSocket> {
  // SNI must not carry an IP address; the certificate is checked against `host` either way.
  const socket = tlsConnect({ socket: channel, host, servername: isIP(host) ? undefined : host, ca });
  return new Promise((resolve, reject) => {
    socket.once('secureConnect', () => resolve(socket));
    socket.once('error', (error: Error & { code?: string }) => {
      socket.destroy();
      const code = error.code ?? 'ERR_TLS';
      reject(
        /CERT|SELF_SIGNED|UNABLE_TO|HOSTNAME|ERR_TLS/.test(code)
          ? tlsFailed(url, code, error)
          : httpFailed(url, error.message, error),
      );
    });
  });
}

/** The GET itself over an open stream (the tunnel, or TLS on it); a body past the cap ends the download early. */
function getOverStream(
  tunnel: Duplex,
  url: string,
  { target, host, port }: { target: URL; host: string; port: number },
): Promise<HttpResult> {
  return new Promise<HttpResult>((resolve, reject) => {
    const fail = (error: Error): void => {
      tunnel.destroy();
      reject(httpFailed(url, error.message, error));
    };
    const req = request(
      {
        method: 'GET',
        host,
        port,
        path: `${target.pathname}${target.search}`,
        headers: { host: target.host, 'user-agent': 'pi-backup-companion', connection: 'close' },
        // No `agent`: with one (even `agent: false`) Node ignores createConnection and dials the URL from here.
        createConnection: () => tunnel as never,
      },
      (res: IncomingMessage) => {
        const body = new CappedBytes();
        const status = res.statusCode ?? 0;
        res.on('data', (chunk: Buffer) => {
          // Past the cap nothing more is kept, so stop downloading.
          if (!body.push(chunk)) {
            resolve({ status, body: body.text() });
            tunnel.destroy();
          }
        });
        res.on('end', () => resolve({ status, body: body.text() }));
        res.on('error', fail);
      },
    );
    req.on('error', fail);
    req.end();
  });
}

/** GET `url` over a direct-tcpip channel of `client`: the Pi's sshd opens the TCP connection. Redirects are not followed. */
export async function httpGetThroughTunnel(
  client: Client,
  piName: string,
  url: string,
  options: RunOptions & TunnelHttpOptions,
): Promise<HttpResult> {
  const { target, host, port, https } = parseUrl(url);
  const { signal, timeoutMs } = options;
  if (signal?.aborted) throw new CancelledError();

  let stream: Duplex | null = null;
  let over = false;
  let timer: NodeJS.Timeout | undefined;
  let onAbort = (): void => {};
  const stopped = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      stream?.destroy();
      reject(
        new FirstbootSshError(
          'firstboot-http-timeout',
          `GET ${url} from ${piName} got no complete answer within ${Math.ceil(timeoutMs / 1000)} s.`,
          'Check that the service on the Pi is up and not overloaded, or allow the check more time.',
        ),
      );
    }, timeoutMs);
    onAbort = () => {
      stream?.destroy();
      reject(new CancelledError(`GET ${url} was cancelled.`));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

  const exchange = async (): Promise<HttpResult> => {
    const channel = await openTunnel(client, host, port).catch((error: Error) => {
      throw httpFailed(url, `the Pi could not connect to ${host}:${port}: ${error.message}`, error);
    });
    // Timed out or cancelled while the channel was opening.
    if (over) channel.destroy();
    stream = channel;
    if (https) stream = await startTls(channel, host, url, options.ca);
    const tunnel = stream;
    return getOverStream(tunnel, url, { target, host, port });
  };

  try {
    return await Promise.race([exchange(), stopped]);
  } finally {
    over = true;
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    (stream as Duplex | null)?.destroy();
  }
}
