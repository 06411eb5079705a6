import { describe, expect, it } from 'vitest';
import { CancelledError, CompanionError } from '../../errors.js';
import {
  appleScriptString,
  interpretWriterExit,
  planWriterLaunch,
  shellQuote,
  sudoCommand,
  type WriterExit,
  type WriterLaunchContext,
} from './writer-launch.js';
import type { WriterRequest } from './writer-protocol.js';

const launcher = '/opt/Pi & Backup Companion/resources/resources/bin/companion-flash-writer';
const base: WriterLaunchContext = {
  platform: 'linux',
  isRoot: false,
  inElectron: true,
  execPath: '/opt/Pi & Backup Companion/pi-backup-companion',
  helperScript: '/x/dist/helper/companion-flash-writer.cjs',
  launcher,
  pkexec: '/usr/bin/pkexec',
  pipeDir: null,
  internalDisk: null,
};
const request: WriterRequest = { v: 1, source: "/home/me/it's.img", devices: ['/dev/sdb'], verify: true };

function exit(overrides: Partial<WriterExit>): WriterExit {
  return {
    via: 'pkexec',
    code: 0,
    signal: null,
    stderr: '',
    outcome: null,
    cancelRequested: false,
    launcher,
    request,
    ...overrides,
  };
}

const thrown = (run: () => unknown): CompanionError => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CompanionError);
    return error as CompanionError;
  }
  throw new Error('did not throw');
};

describe('planWriterLaunch', () => {
  it('runs pkexec on the fixed launcher path as an argv list', () => {
    expect(planWriterLaunch(base)).toEqual({
      file: '/usr/bin/pkexec',
      args: ['--disable-internal-agent', launcher],
      via: 'pkexec',
      pipes: null,
    });
  });

  it('runs the helper directly when already root: Node runs the script, Electron the launcher', () => {
    expect(planWriterLaunch({ ...base, isRoot: true, inElectron: false, execPath: '/usr/bin/node' })).toEqual(
      {
        file: '/usr/bin/node',
        args: [base.helperScript],
        via: 'direct',
        pipes: null,
      },
    );
    expect(planWriterLaunch({ ...base, isRoot: true }).file).toBe(launcher);
  });

  it('says what to run instead when pkexec is missing: the whole command, request included', () => {
    const error = thrown(() => planWriterLaunch({ ...base, pkexec: null, request }));
    expect(error.code).toBe('flash-elevation-unavailable');
    expect(error.hint).toContain(sudoCommand(launcher, request));
  });

  it('names the internal disk to the launcher (pkexec shows it), to a root writer, and in the macOS prompt', () => {
    const disk = {
      name: 'ata-WDC_WD20EZAZ_WD-WX12',
      sizeBytes: 2000398934016,
      label: 'WDC WD20EZAZ (2 TB), /dev/sdb',
    };
    const direct = { ...base, isRoot: true, inElectron: false, execPath: '/usr/bin/node' };
    expect(planWriterLaunch({ ...direct, internalDisk: disk }).env).toEqual({
      COMPANION_WRITER_SCOPE: 'internal',
      COMPANION_WRITER_DISK: 'ata-WDC_WD20EZAZ_WD-WX12',
      COMPANION_WRITER_DISK_BYTES: '2000398934016',
    });
    expect(planWriterLaunch(direct).env).toBeUndefined();
    // Through pkexec the launcher alone decides, from its arguments: the app's environment never reaches the writer.
    const pkexec = planWriterLaunch({ ...base, internalDisk: disk });
    expect(pkexec.env).toBeUndefined();
    expect(pkexec.args).toEqual(['--disable-internal-agent', launcher, disk.name, '2000398934016']);
    expect(planWriterLaunch({ ...base, isRoot: true, internalDisk: disk }).args).toEqual([
      disk.name,
      '2000398934016',
    ]);
    const mac = planWriterLaunch({ ...base, platform: 'darwin', pipeDir: '/tmp/p', internalDisk: disk });
    expect(mac.args[1]).toContain('ERASE the INTERNAL disk WDC WD20EZAZ (2 TB), /dev/sdb');
    expect(mac.args[1]).toContain(`'/tmp/p/out' '${disk.name}' '2000398934016'`);
    const unavailable = thrown(() =>
      planWriterLaunch({ ...base, pkexec: null, request, internalDisk: disk }),
    );
    expect(unavailable.hint).toContain(`| sudo '${launcher}' '${disk.name}' '2000398934016'`);
  });

  it('builds the macOS osascript argv with both quotings applied to a fixed path', () => {
    const plan = planWriterLaunch({ ...base, platform: 'darwin', pipeDir: '/tmp/companion-writer-a"b' });
    expect(plan.file).toBe('/usr/bin/osascript');
    expect(plan.args[0]).toBe('-e');
    expect(plan.args).toHaveLength(2);
    expect(plan.pipes).toEqual({ in: '/tmp/companion-writer-a"b/in', out: '/tmp/companion-writer-a"b/out' });
    const shell = `'${launcher}' '--in' '/tmp/companion-writer-a"b/in' '--out' '/tmp/companion-writer-a"b/out'`;
    expect(plan.args[1]).toBe(
      `do shell script ${appleScriptString(shell)} with prompt "Pi & Backup Companion needs your password to write an image to an SD card." with administrator privileges`,
    );
    expect(plan.args[1]).toContain('\\"b/in');
  });

  it('refuses other platforms', () => {
    expect(thrown(() => planWriterLaunch({ ...base, platform: 'win32' })).code).toBe('unsupported-platform');
  });

  it('quotes for the shell and AppleScript', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(appleScriptString('a\\b"c')).toBe('"a\\\\b\\"c"');
    expect(sudoCommand(launcher, request)).toBe(
      `printf '%s\\n' '{"v":1,"source":"/home/me/it'\\''s.img","devices":["/dev/sdb"],"verify":true,"detached":true}' | sudo '${launcher}'`,
    );
  });
});

describe('interpretWriterExit', () => {
  const done = {
    bytesWritten: 1,
    sourceSha256: 'b'.repeat(64),
    verified: true,
    writeSeconds: 1,
    verifySeconds: 1,
    devices: [{ device: '/dev/sdb', ok: true, bytesWritten: 1, verified: true }],
  };

  it('returns the result of a clean exit', () => {
    expect(interpretWriterExit(exit({ outcome: { done } }))).toEqual(done);
  });

  it('maps pkexec 126 (dialog dismissed) to a clean cancel', () => {
    const error = thrown(() => interpretWriterExit(exit({ code: 126 })));
    expect(error).toBeInstanceOf(CancelledError);
    expect(error.message).toBe('The password prompt was cancelled; nothing was written.');
  });

  it('maps pkexec 127 without an agent to elevation-unavailable with the sudo command', () => {
    const stderr = 'Error executing command as another user: No authentication agent found.\n';
    const error = thrown(() => interpretWriterExit(exit({ code: 127, stderr })));
    expect(error.code).toBe('flash-elevation-unavailable');
    expect(error.message).toContain('no polkit authentication agent');
    expect(error.hint).toContain(sudoCommand(launcher, request));
  });

  it('maps pkexec 127 "Not authorized" (wrong password) to elevation-denied', () => {
    const stderr =
      'Error executing command as another user: Not authorized\n\nThis incident has been reported.\n';
    const error = thrown(() => interpretWriterExit(exit({ code: 127, stderr })));
    expect(error.code).toBe('flash-elevation-denied');
    expect(error.hint).toContain('sudo');
  });

  it('maps osascript -128 to a cancel, and keeps the writer error code, message and hint', () => {
    const cancelled = thrown(() =>
      interpretWriterExit(
        exit({ via: 'osascript', code: 1, stderr: 'execution error: User canceled. (-128)' }),
      ),
    );
    expect(cancelled).toBeInstanceOf(CancelledError);
    const refused = thrown(() =>
      interpretWriterExit(
        exit({ code: 1, outcome: { error: { code: 'system-disk', message: 'm', hint: 'h' } } }),
      ),
    );
    expect([refused.code, refused.message, refused.hint]).toEqual(['system-disk', 'm', 'h']);
    const cancel = thrown(() =>
      interpretWriterExit(
        exit({ code: 1, outcome: { error: { code: 'cancelled', message: 'c', hint: 'h' } } }),
      ),
    );
    expect(cancel).toBeInstanceOf(CancelledError);
  });

  it('reports a writer that died without a result, or a requested cancel', () => {
    const crashed = thrown(() => interpretWriterExit(exit({ via: 'direct', code: null, signal: 'SIGSEGV' })));
    expect(crashed.code).toBe('flash-writer-crashed');
    expect(crashed.message).toContain('SIGSEGV');
    expect(thrown(() => interpretWriterExit(exit({ code: null, cancelRequested: true })))).toBeInstanceOf(
      CancelledError,
    );
  });
});
