import type { HandlersOf, firstBootChannels } from '../contract/index.js';
import type { TerminalService } from '../terminal/index.js';
import { locateKnownProgram } from '../tools/index.js';
import type { FirstBootService } from './first-boot-service.js';

export function firstBootHandlers(
  firstBoot: FirstBootService,
  terminals: TerminalService,
): HandlersOf<typeof firstBootChannels> {
  return {
    'firstBoot.start': async (request) => ({ id: (await firstBoot.start(request)).id }),
    'firstBoot.saveKeyPassphrase': async ({ host, passphrase }) => (
      await firstBoot.saveKeyPassphrase(host, passphrase),
      { ok: true as const }
    ),
    'firstBoot.deploy': async ({ id, cols, rows }) => {
      // The command comes from the first-boot report the core wrote; the request only names the task.
      const { file, args, env } = firstBoot.deployCommand(id);
      // The same search that decided nix vs nixos-rebuild (NixOS profiles, Homebrew), not the GUI's thin PATH.
      const program = (await locateKnownProgram(file)) ?? file;
      return terminals.runCommand({ file: program, args, env }, { cols, rows });
    },
  };
}
