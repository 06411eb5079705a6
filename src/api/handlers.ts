import type { Dialogs } from '../dialogs/dialogs.js';
import type { EventHub } from '../event-hub.js';
import type { FlashService } from '../flash/flash-service.js';
import type { FirstBootService } from '../firstboot/first-boot-service.js';
import { WHY_VAR_LIB } from '../provision/bootstrap-files.js';
import type { HostProfiles } from '../provision/host-profiles.js';
import { readNixosModule } from '../provision/nixos-module.js';
import type { ProvisionService } from '../provision/provision-service.js';
import type { Keychain } from '../secrets/keychain.js';
import type { SettingsStore } from '../store/settings-store.js';
import type { TaskHistory } from '../tasks/task-history.js';
import type { TaskManager } from '../tasks/task-manager.js';
import { selfTestTask } from '../tasks/self-test-task.js';
import type { TerminalService } from '../terminal/terminal-service.js';
import { runDoctor } from '../tools/doctor.js';
import { createSearchContext, locateProgram } from '../tools/find-tool.js';
import type { Handlers } from './router.js';

export interface HandlerDeps {
  dataDir: string;
  appVersion: string;
  events: EventHub;
  tasks: TaskManager;
  history: TaskHistory;
  settings: SettingsStore;
  keychain: Keychain;
  terminals: TerminalService;
  hosts: HostProfiles;
  provision: ProvisionService;
  flash: FlashService;
  firstBoot: FirstBootService;
  dialogs: Dialogs;
}

/** Maps each contract channel to the domain service that answers it; no logic of its own beyond wiring. */
export function createHandlers(deps: HandlerDeps): Handlers {
  const ok = { ok: true as const };
  return {
    'app.info': async () => ({
      name: 'Pi & Backup Companion',
      version: deps.appVersion,
      platform: process.platform,
      dataDir: deps.dataDir,
    }),
    'doctor.run': () => runDoctor(),
    'tasks.list': async () => deps.tasks.list(),
    'tasks.log': ({ id }) => deps.tasks.log(id),
    'tasks.cancel': async ({ id }) => ({ cancelled: deps.tasks.cancel(id) }),
    'tasks.clearHistory': async () => ({ removed: await deps.tasks.clearHistory() }),
    'tasks.startSelfTest': async (request) => ({
      id: deps.tasks.start('self-test', `Self-test (${request.steps} steps)`, selfTestTask(request)).id,
    }),
    'settings.get': async () => deps.settings.get(),
    'settings.update': async (patch) => {
      const view = await deps.settings.update(patch);
      deps.history.setLimit(view.settings.taskHistoryLimit);
      return view;
    },
    'keychain.status': () => deps.keychain.status(),
    'terminal.start': async (size) => deps.terminals.openLoginShell(size),
    'terminal.write': async ({ id, data }) => (deps.terminals.write(id, data), ok),
    'terminal.resize': async ({ id, cols, rows }) => (deps.terminals.resize(id, cols, rows), ok),
    'terminal.kill': async ({ id }) => (deps.terminals.kill(id), ok),
    'hosts.list': async () => deps.hosts.list(),
    'hosts.save': (input) => deps.hosts.save(input),
    'hosts.remove': async ({ name }) => ({ removed: await deps.hosts.remove(name) }),
    'provision.check': (request) => deps.provision.check(request),
    'provision.start': async (request) => ({ id: (await deps.provision.start(request)).id }),
    'provision.nixosModule': async () => ({ ...(await readNixosModule()), whyVarLib: WHY_VAR_LIB }),
    'flash.drives': (request) => deps.flash.drives(request),
    'flash.start': async (request) => ({ id: (await deps.flash.start(request)).id }),
    'firstBoot.start': async (request) => ({ id: deps.firstBoot.start(request).id }),
    'firstBoot.report': async ({ id }) => ({ report: deps.firstBoot.report(id) }),
    'firstBoot.saveKeyPassphrase': async ({ host, passphrase }) => (
      await deps.firstBoot.saveKeyPassphrase(host, passphrase),
      ok
    ),
    'firstBoot.deploy': async ({ id, cols, rows }) => {
      // The command comes from the first-boot report the core wrote; the request only names the task.
      const { file, args, env } = deps.firstBoot.deployCommand(id);
      // The same search that decided nix vs nixos-rebuild (NixOS profiles, Homebrew), not the GUI's thin PATH.
      const program = (await locateProgram(file, createSearchContext())) ?? file;
      return deps.terminals.runCommand({ file: program, args, env }, { cols, rows });
    },
    'dialog.pickPath': async (request) => ({ path: await deps.dialogs.pickPath(request) }),
  };
}
