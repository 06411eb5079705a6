import { describe, expect, it } from 'vitest';
import { checkNetwork } from './check-network.js';
import { ScriptedShell } from '../../../test/helpers/scripted-shell.js';

const ACTIVE = 'nmcli -t -f NAME,TYPE,DEVICE,STATE connection show --active';
const DEVICES = 'nmcli -t -f DEVICE,TYPE,STATE device';

describe('checkNetwork', () => {
  it('passes with an activated Wi-Fi connection, naming it and its device', async () => {
    const stdout = 'lo:loopback:lo:activated\nCafé\\: upstairs:802-11-wireless:wlan0:activated\n';
    const shell = new ScriptedShell().on(ACTIVE, { stdout });
    expect(await checkNetwork({ shell })).toEqual({
      status: 'pass',
      summary: 'connected via Wi-Fi "Café: upstairs" on wlan0',
      output: stdout,
    });
  });

  it('passes with Ethernet', async () => {
    const shell = new ScriptedShell().on(ACTIVE, {
      stdout: 'Wired connection 1:802-3-ethernet:end0:activated\n',
    });
    expect((await checkNetwork({ shell })).summary).toBe(
      'connected via Ethernet "Wired connection 1" on end0',
    );
  });

  it('fails without an activated uplink, showing the device list', async () => {
    const devices = 'wlan0:wifi:disconnected\nlo:loopback:connected (externally)\n';
    const shell = new ScriptedShell()
      .on(ACTIVE, { stdout: 'lo:loopback:lo:activated\nHome:802-11-wireless:wlan0:activating\n' })
      .on(DEVICES, { stdout: devices });
    expect(await checkNetwork({ shell })).toEqual({
      status: 'fail',
      summary: 'no active Wi-Fi or Ethernet connection ("Home" is activating)',
      output: devices,
    });
  });

  it('skips when nmcli is not installed', async () => {
    const outcome = await checkNetwork({ shell: new ScriptedShell() });
    expect(outcome.status).toBe('skipped');
    expect(outcome.summary).toMatch(/NetworkManager is not installed/);
  });

  it('fails when NetworkManager is not running', async () => {
    const shell = new ScriptedShell().on(ACTIVE, {
      exitCode: 8,
      stderr: 'Error: NetworkManager is not running.\n',
    });
    expect((await checkNetwork({ shell })).summary).toBe(
      'nmcli failed: Error: NetworkManager is not running.',
    );
  });
});
