import { describe, expect, it } from 'vitest';
import type { FirstBootReport, FirstBootStage, LogLine } from '../../contract/index.js';
import { createFirstBootLive } from './first-boot-live.js';

const line = (message: string, level: LogLine['level'] = 'info'): LogLine => ({ at: '', level, message });
const at = (stage: FirstBootStage, waiting: string | null = null) =>
  ({ stage, waiting }) as unknown as FirstBootReport;

describe('createFirstBootLive', () => {
  it('shows the search and the warnings, never the lines the final report prints', () => {
    const shown: string[] = [];
    const live = createFirstBootLive((text) => shown.push(text));
    live.report(at('finding', 'Waiting for the Pi to answer on SSH (port 22)'));
    live.report(at('finding', 'Waiting for the Pi to answer on SSH (port 22)'));
    live.log(line('mdns pi.local: not-found'));
    live.log(line("Could not read the key's passphrase from the keychain: locked", 'warn'));
    live.report(at('verifying'));
    live.log(line('Found pi at 192.0.2.7:22 via mdns'));
    live.log(line('SSH at 192.0.2.7:22 is not ready yet: reset', 'warn'));
    live.log(line('HOST KEY MISMATCH: expected a, got b', 'error'));
    live.report(at('checking', 'systemd is still starting'));
    live.log(line('Host key matches the pin (SHA256:x); logged in as root'));
    live.log(line('PASS System is running: running'));
    live.log(line('FAIL UPS is seen: exit 1 (expected 0)', 'warn'));
    live.report(at('done'));
    expect(shown).toEqual([
      '… Waiting for the Pi to answer on SSH (port 22)\n',
      'mdns pi.local: not-found\n',
      "Could not read the key's passphrase from the keychain: locked\n",
      'SSH at 192.0.2.7:22 is not ready yet: reset\n',
      '… systemd is still starting\n',
    ]);
  });
});
