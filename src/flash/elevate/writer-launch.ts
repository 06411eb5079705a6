import { CancelledError, CompanionError, isCode, type CoreErrorCode } from '../../errors.js';
import { FlashError } from '../flash-errors.js';
import type { NamedDisk } from './named-disk.js';
import type { WriterEvent, WriterRequest, WriterResult } from './writer-protocol.js';

/** The built-in disk of a write, as the user confirmed it ('WDC WD20EZAZ (2 TB), /dev/sdb'), and how it is named. */
export interface InternalDisk extends NamedDisk {
  label: string;
}

/** The internal launcher's arguments: the disk its authorization is for (pkexec's prompt shows them). */
export const internalDiskArgs = (disk: InternalDisk | null): string[] =>
  disk ? [disk.name, String(disk.sizeBytes)] : [];

/** How the writer gets started: always an argv list, never a shell line built from input. */
export interface WriterLaunch {
  file: string;
  args: string[];
  via: 'direct' | 'pkexec' | 'osascript';
  /** macOS: the app-made pipes the protocol runs over instead of stdin/stdout. */
  pipes: { in: string; out: string } | null;
  /** Added to the environment of a writer started directly by root (root's word needs no launcher). */
  env?: Record<string, string>;
}

export interface WriterLaunchContext {
  platform: NodeJS.Platform;
  isRoot: boolean;
  /** This process is Electron, whose binary cannot act as Node (RunAsNode fuse off). */
  inElectron: boolean;
  execPath: string;
  /** The bundled writer, dist/helper/companion-flash-writer.cjs (or its packaged copy). */
  helperScript: string;
  /**
   * resources/bin/companion-flash-writer, or companion-flash-writer-internal when a built-in disk is written: the
   * fixed paths polkit's policy names, one action each.
   */
  launcher: string;
  /** The one built-in disk of this write; null when only cards are written. */
  internalDisk: InternalDisk | null;
  /** For the terminal command offered when the app cannot ask for the password itself. */
  request?: WriterRequest;
  /** Where pkexec is, or null when it is not installed. */
  pkexec: string | null;
  /** macOS: a private (0700) folder holding the `in` and `out` pipes. */
  pipeDir: string | null;
}

export const OSASCRIPT = '/usr/bin/osascript';
export const PKEXEC_CANDIDATES = ['/usr/bin/pkexec', '/run/wrappers/bin/pkexec', '/bin/pkexec'];

/** Decides what to spawn; pure, so the argv is unit-tested for every platform. */
export function planWriterLaunch(ctx: WriterLaunchContext): WriterLaunch {
  if (ctx.platform !== 'linux' && ctx.platform !== 'darwin') {
    throw new FlashError(
      'unsupported-platform',
      `Flashing is not supported on ${ctx.platform}.`,
      'Flash from Linux or macOS.',
    );
  }
  if (ctx.isRoot) {
    // Already root (CI, tests, `sudo companion`): nothing to elevate, and root may name the scope itself. Electron's
    // binary is no Node in the app's own process, so it takes the launcher (which picks the scope by its own name).
    const disk = ctx.internalDisk;
    if (ctx.inElectron)
      return { file: ctx.launcher, args: internalDiskArgs(disk), via: 'direct', pipes: null };
    const env = disk
      ? {
          COMPANION_WRITER_SCOPE: 'internal',
          COMPANION_WRITER_DISK: disk.name,
          COMPANION_WRITER_DISK_BYTES: String(disk.sizeBytes),
        }
      : undefined;
    return {
      file: ctx.execPath,
      args: [ctx.helperScript],
      via: 'direct',
      pipes: null,
      ...(env ? { env } : {}),
    };
  }
  if (ctx.platform === 'linux') {
    if (!ctx.pkexec)
      throw elevationUnavailable(
        ctx.launcher,
        'pkexec (polkit) is not installed',
        ctx.request,
        internalDiskArgs(ctx.internalDisk),
      );
    // --disable-internal-agent: without a desktop agent, fail (127) rather than prompt on the app's terminal.
    const args = ['--disable-internal-agent', ctx.launcher, ...internalDiskArgs(ctx.internalDisk)];
    return { file: ctx.pkexec, args, via: 'pkexec', pipes: null };
  }
  if (!ctx.pipeDir) throw new Error('planWriterLaunch: macOS needs a pipe folder');
  const pipes = { in: `${ctx.pipeDir}/in`, out: `${ctx.pipeDir}/out` };
  const argv = [ctx.launcher, '--in', pipes.in, '--out', pipes.out, ...internalDiskArgs(ctx.internalDisk)];
  const command = argv.map(shellQuote).join(' ');
  const prompt = ctx.internalDisk
    ? `Pi & Backup Companion needs your password to ERASE the INTERNAL disk ${ctx.internalDisk.label}: everything on it will be lost.`
    : 'Pi & Backup Companion needs your password to write an image to an SD card.';
  const script =
    `do shell script ${appleScriptString(command)} with prompt ${appleScriptString(prompt)} ` +
    'with administrator privileges';
  return { file: OSASCRIPT, args: ['-e', script], via: 'osascript', pipes };
}

/** POSIX shell single quoting: the only quoting `do shell script` needs, and safe for any byte but NUL. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** An AppleScript string literal. */
export function appleScriptString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * The exact command that does the same write from a terminal, for when the app cannot ask for the password. Its stdin
 * ends after the request, which `detached` tells the writer is no cancel; Ctrl-C stops it.
 */
export function sudoCommand(
  launcher: string,
  request: WriterRequest,
  launcherArgs: readonly string[] = [],
): string {
  const command = [launcher, ...launcherArgs].map(shellQuote).join(' ');
  // printf, not echo: dash's echo would turn the JSON's \\ into \.
  return `printf '%s\\n' ${shellQuote(JSON.stringify({ ...request, detached: true }))} | sudo ${command}`;
}

export function elevationUnavailable(
  launcher: string,
  why: string,
  request?: WriterRequest,
  launcherArgs: readonly string[] = [],
): FlashError {
  const command = request
    ? sudoCommand(launcher, request, launcherArgs)
    : `sudo ${[launcher, ...launcherArgs].map(shellQuote).join(' ')}`;
  return new FlashError(
    'flash-elevation-unavailable',
    `The app could not ask for administrator rights to write the card: ${why}. Nothing was written.`,
    `Log in to a desktop session with a polkit authentication agent running and try again, or run this in a terminal instead: ${command}`,
  );
}

export interface WriterExit {
  via: WriterLaunch['via'];
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** The writer's final line, when it got to say one. */
  outcome: Extract<WriterEvent, { done: unknown } | { error: unknown }> | null;
  cancelRequested: boolean;
  launcher: string;
  /** The internal launcher's disk arguments, for the command offered instead. */
  launcherArgs?: readonly string[];
  request: WriterRequest;
}

/**
 * Turns how the writer ended into a result or a typed error. pkexec: 126 = the dialog was dismissed, 127 = not
 * authorized or no agent (man pkexec, "RETURN VALUE"); osascript: error -128 = the user pressed Cancel.
 * The writer itself only ever exits 0 or 1 (3 from the launcher), so those codes are pkexec's own.
 */
export function interpretWriterExit(exit: WriterExit): WriterResult {
  const { outcome } = exit;
  if (outcome && 'done' in outcome && exit.code === 0) return outcome.done;
  if (outcome && 'error' in outcome) {
    const { code, message, hint } = outcome.error;
    if (isCode<CoreErrorCode>(code, 'cancelled')) throw new CancelledError(message, hint);
    throw new CompanionError(code, message, hint);
  }
  if (exit.cancelRequested) throw new CancelledError('The flash was cancelled.');
  if (exit.via === 'pkexec' && exit.code === 126)
    throw new CancelledError('The password prompt was cancelled; nothing was written.');
  if (exit.via === 'pkexec' && exit.code === 127) {
    if (/not authorized/i.test(exit.stderr)) {
      throw new FlashError(
        'flash-elevation-denied',
        'The password was not accepted, or your account may not administer this computer. Nothing was written.',
        `Try again and check the password; otherwise ask an administrator to run: ${sudoCommand(exit.launcher, exit.request, exit.launcherArgs)}`,
      );
    }
    const why = /no authentication agent/i.test(exit.stderr)
      ? 'no polkit authentication agent is running'
      : `pkexec failed (${lastLine(exit.stderr) || 'exit 127'})`;
    throw elevationUnavailable(exit.launcher, why, exit.request, exit.launcherArgs);
  }
  if (exit.via === 'osascript' && /\(-128\)/.test(exit.stderr))
    throw new CancelledError('The password prompt was cancelled; nothing was written.');
  const how = exit.signal ? `was killed (${exit.signal})` : `exited with code ${exit.code}`;
  throw new FlashError(
    'flash-writer-crashed',
    `The privileged writer ${how} without a result${exit.stderr ? `: ${lastLine(exit.stderr)}` : ''}. The card may be unusable until it is flashed again.`,
    'Flash again; if it keeps happening, report it with the task log.',
  );
}

const lastLine = (text: string) => text.trim().split('\n').at(-1)?.trim() ?? '';
