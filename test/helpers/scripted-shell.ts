import type { CommandResult, HttpResult, RemoteShell, RunOptions } from '../../src/firstboot/remote-shell.js';

/** A scripted reply: a result (missing fields default to a clean exit 0), an error to throw, or a hang until abort. */
export type ScriptedReply<T> = Partial<T> | Error | 'hang';

/**
 * An in-memory `RemoteShell`: replies are looked up by the exact command string or URL. Each key holds
 * a queue; the last reply repeats, so polling can be scripted as `starting, starting, running`. A command with no
 * script answers like a shell that lacks the program (exit 127).
 */
export class ScriptedShell implements RemoteShell {
  /** Every exec call, in order, with the options it was given. */
  readonly calls: Array<{ command: string; options: RunOptions }> = [];
  readonly urls: string[] = [];
  private readonly commands = new Map<string, ScriptedReply<CommandResult>[]>();
  private readonly pages = new Map<string, ScriptedReply<HttpResult>[]>();

  on(command: string, ...replies: ScriptedReply<CommandResult>[]): this {
    this.commands.set(command, replies);
    return this;
  }

  onGet(url: string, ...replies: ScriptedReply<HttpResult>[]): this {
    this.pages.set(url, replies);
    return this;
  }

  async exec(command: string, options: RunOptions): Promise<CommandResult> {
    this.calls.push({ command, options });
    const reply = next(this.commands.get(command)) ?? {
      exitCode: 127,
      stderr: `sh: 1: ${command.split(' ')[0]}: not found\n`,
    };
    const result = await settle(reply, options);
    return { exitCode: 0, signal: null, stdout: '', stderr: '', timedOut: false, ...result };
  }

  async httpGet(url: string, options: RunOptions): Promise<HttpResult> {
    this.urls.push(url);
    const reply =
      next(this.pages.get(url)) ?? Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    return { status: 200, body: '', ...(await settle(reply, options)) };
  }
}

function next<T>(queue: T[] | undefined): T | undefined {
  return queue && queue.length > 1 ? queue.shift() : queue?.[0];
}

async function settle<T>(reply: ScriptedReply<T>, options: RunOptions): Promise<Partial<T>> {
  if (reply instanceof Error) throw reply;
  if (reply !== 'hang') return reply;
  const signal = options.signal;
  return new Promise<never>((_, reject) => {
    if (!signal) return; // hangs for good, as a dead connection would
    if (signal.aborted) return reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}
