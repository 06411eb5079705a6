/** What a command run on the Pi returned; output is capped (see OUTPUT_CAP_BYTES) and decoded as UTF-8. */
export interface CommandResult {
  /** Null when the command was killed by a signal or timed out. */
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface HttpResult {
  status: number;
  /** The body, capped at OUTPUT_CAP_BYTES. */
  body: string;
}

export interface RunOptions {
  signal?: AbortSignal;
  timeoutMs: number;
}

/** Most bytes of a command's output or an HTTP body kept for showing; the rest is dropped with a marker. */
export const OUTPUT_CAP_BYTES = 64 * 1024;

/**
 * A logged-in session on the Pi, as the checks see it. The real one is an ssh2 connection whose host key matched
 * the pinned key; unit tests use a local or scripted stand-in.
 */
export interface RemoteShell {
  /** Runs `command` through the login user's shell on the Pi. */
  exec(command: string, options: RunOptions): Promise<CommandResult>;
  /** GET `url` as seen from the Pi: the TCP connection is opened by the Pi's sshd (direct-tcpip), not by us. */
  httpGet(url: string, options: RunOptions): Promise<HttpResult>;
}
