import { resolve } from 'node:path';
import type { ChannelName, RequestOf, ResponseOf } from '../contract/index.js';
import { createCore, type Core } from '../core.js';
import { describeError } from '../errors.js';
import { appDataDir } from '../store/index.js';
import { CliError, cliErrorFrom } from './cli-error.js';
import { ExitCode } from './exit-codes.js';

/** Where the CLI writes; injected so commands never touch `process.stdout` directly. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** stderr when it is a terminal (live progress bars need one), else null. */
  terminal: NodeJS.WriteStream | null;
  /** Asks the user on their terminal (null when the input ended); absent when stdin is not a terminal. */
  ask?: (question: string) => Promise<string | null>;
}

export interface SessionOptions {
  appVersion: string;
  /** Read lazily: commander parses `--data-dir` before any action asks for the core. */
  dataDir: () => string | undefined;
}

/** One core per CLI run, created on first use, shared by the command that runs. */
export class CliSession {
  private corePromise: Promise<Core> | null = null;

  constructor(
    readonly io: CliIo,
    private readonly options: SessionOptions,
  ) {}

  core(): Promise<Core> {
    this.corePromise ??= this.openCore();
    return this.corePromise;
  }

  /** Goes through the router, like the UI does, so the CLI gets the same validation and `{code, message, hint}`. */
  async call<C extends ChannelName>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
    const core = await this.core();
    const result = await core.router.invoke(channel, request);
    if (!result.ok) throw cliErrorFrom(result.error);
    return result.value as ResponseOf<C>;
  }

  printJson(value: unknown): void {
    this.io.out(`${JSON.stringify(value, null, 2)}\n`);
  }

  async dispose(): Promise<void> {
    const core = await this.corePromise?.catch(() => null);
    await core?.dispose();
  }

  /** What the start-up sweep found of earlier runs that were killed: the user should know, and act on a failure. */
  private reportSweep({ wiped, failed, skipped }: Core['sweptSecretTemps']): void {
    for (const path of wiped) {
      this.io.err(`note: wiped ${path}, left with secrets in it by an earlier run that was killed.\n`);
    }
    for (const { path, error } of failed) {
      this.io.err(
        `warning: could not wipe ${path} (${error}), left by an earlier run that was killed.\n` +
          'hint: delete it yourself: it may hold a host key or a Wi-Fi password.\n',
      );
    }
    for (const { path, reason } of skipped) {
      this.io.err(
        `warning: left ${path} alone (${reason}): only leftovers this user alone owns are cleaned up.\n` +
          'hint: check who made it; if it is a leftover of this app, delete it as its owner.\n',
      );
    }
  }

  private async openCore(): Promise<Core> {
    const given = this.options.dataDir();
    const dataDir = given ? resolve(given) : appDataDir();
    try {
      const core = await createCore({ dataDir, appVersion: this.options.appVersion });
      this.reportSweep(core.sweptSecretTemps);
      return core;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (!['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST', 'ENOSPC'].includes(code)) throw error;
      throw new CliError(
        `Cannot use the app data folder ${dataDir}: ${describeError(error).message}`,
        'Make sure the folder is writable, or choose another one with --data-dir or COMPANION_HOME.',
        ExitCode.environment,
        { cause: error },
      );
    }
  }
}
