import type { Client, ClientChannel } from 'ssh2';
import { CancelledError } from '../../errors.js';
import type { CommandResult, HttpResult, RemoteShell, RunOptions } from '../remote-shell.js';
import { CappedBytes } from './capped-bytes.js';
import { sessionLost } from './ssh-errors.js';
import { httpGetThroughTunnel, type TunnelHttpOptions } from './tunnel-http-get.js';

const CLOSE_GRACE_MS = 2_000;

/** A logged-in ssh2 connection whose host key matched the pin; made by connectPinned only. */
export class PinnedSession implements RemoteShell {
  /** Why the connection ended, once it has. */
  private ended: string | null = null;
  private readonly closed: Promise<void>;

  constructor(
    private readonly client: Client,
    readonly host: string,
  ) {
    client.on('error', (error: Error) => (this.ended ??= error.message));
    this.closed = new Promise((resolve) =>
      client.once('close', () => {
        this.ended ??= 'the connection closed';
        resolve();
      }),
    );
  }

  /**
   * Runs `command` with the login shell and no pty. On timeout or cancel we ask sshd to KILL it, then close the
   * channel. stdin stays open because ssh2 only sends signals on a writable channel. OpenSSH refuses signals for root
   * logins (no privilege separation after login), so there the command runs on until it ends; its output is dropped.
   */
  exec(command: string, options: RunOptions): Promise<CommandResult> {
    const { signal, timeoutMs } = options;
    if (signal?.aborted) return Promise.reject(new CancelledError());
    return new Promise<CommandResult>((resolve, reject) => {
      const stdout = new CappedBytes();
      const stderr = new CappedBytes();
      let channel: ClientChannel | null = null;
      let exitCode: number | null = null;
      let exitSignal: string | null = null;
      let done = false;
      const result = (timedOut: boolean): CommandResult => ({
        exitCode: timedOut ? null : exitCode,
        signal: timedOut ? null : exitSignal,
        stdout: stdout.text(),
        stderr: stderr.text(),
        timedOut,
      });
      const stop = (): void => {
        if (!channel) return;
        channel.signal('KILL');
        channel.close();
      };
      const finish = (outcome: () => void): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        outcome();
      };
      const onAbort = (): void => {
        stop();
        finish(() => reject(new CancelledError(`The command on ${this.host} was cancelled.`)));
      };
      const timer = setTimeout(() => {
        stop();
        finish(() => resolve(result(true)));
      }, timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });

      this.client.exec(command, (error, opened) => {
        if (error) return finish(() => reject(sessionLost(this.host, error.message, error)));
        channel = opened;
        // Cancelled or timed out while the channel was opening: it is not wanted any more.
        if (done) return stop();
        opened.on('data', (chunk: Buffer) => stdout.push(chunk));
        opened.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
        opened.on('exit', (code: number | null, name?: string) => {
          exitCode = code;
          exitSignal = name ?? null;
        });
        opened.on('close', () => {
          // No exit status and a dead connection: the Pi went away, not the command.
          if (exitCode === null && exitSignal === null && this.ended) {
            finish(() => reject(sessionLost(this.host, this.ended ?? 'closed')));
          } else {
            finish(() => resolve(result(false)));
          }
        });
      });
    });
  }

  /** GET `url` as the Pi sees it: the TCP connection is opened by the Pi's sshd (direct-tcpip). */
  httpGet(url: string, options: RunOptions & TunnelHttpOptions): Promise<HttpResult> {
    if (this.ended) return Promise.reject(sessionLost(this.host, this.ended));
    return httpGetThroughTunnel(this.client, this.host, url, options);
  }

  /** Ends the connection politely, or cuts it if the Pi does not answer within a moment. */
  async close(): Promise<void> {
    if (!this.ended) this.client.end();
    const timer = setTimeout(() => this.client.destroy(), CLOSE_GRACE_MS);
    await this.closed;
    clearTimeout(timer);
  }
}
