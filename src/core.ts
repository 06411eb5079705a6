import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createHandlers } from './api/handlers.js';
import { createRouter, type Router } from './api/router.js';
import { type Dialogs, noDialogs } from './dialogs/index.js';
import { EventHub } from './event-hub.js';
import { FlashService } from './flash/index.js';
import { FirstBootService } from './firstboot/index.js';
import { HostProfiles } from './hosts/index.js';
import { ProvisionService } from './provision/index.js';
import { type Keychain, KeytarKeychain } from './secrets/index.js';
import {
  appDataDir,
  assertTrustedDataDir,
  SecretTempJournal,
  SettingsStore,
  type SweepReport,
  sweepSecretTemps,
} from './store/index.js';
import { currentSecretTempJournal, TaskHistory, TaskManager, useSecretTempJournal } from './tasks/index.js';
import { TerminalService } from './terminal/index.js';

export interface CoreOptions {
  dataDir?: string;
  keychain?: Keychain;
  appVersion?: string;
  dialogs?: Dialogs;
}

/** The services behind every face, built once; the router's handlers take them as they are. */
export interface Services {
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

/** What main/, the CLI and the test bridge each build exactly one of. */
export interface Core extends Services {
  router: Router;
  /** What the start-up sweep wiped of the secret temp files that crashed runs left behind. */
  sweptSecretTemps: SweepReport;
  dispose(): Promise<void>;
}

export async function createCore(options: CoreOptions = {}): Promise<Core> {
  const dataDir = options.dataDir ?? appDataDir();
  await assertTrustedDataDir(dataDir);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  // Again once it exists: mkdir follows a link that someone could have planted between the check and the mkdir.
  await assertTrustedDataDir(dataDir);
  const { journal, report: sweptSecretTemps } = await openSecretTempJournal(dataDir);
  const events = new EventHub();
  const settings = new SettingsStore(dataDir);
  const { settings: current } = await settings.load();
  const history = new TaskHistory(dataDir, current.taskHistoryLimit);
  const tasks = new TaskManager(history, events, { locksDir: join(dataDir, 'locks') });
  await tasks.init();
  const keychain = options.keychain ?? new KeytarKeychain();
  const terminals = new TerminalService(events);
  const hosts = new HostProfiles(settings);
  const provision = new ProvisionService({ dataDir, tasks, hosts });
  const flash = new FlashService({ tasks, hosts });
  const firstBoot = new FirstBootService({ dataDir, tasks, hosts, keychain });
  const services: Services = {
    dataDir,
    appVersion: options.appVersion ?? '0.0.0',
    events,
    tasks,
    history,
    settings,
    keychain,
    terminals,
    hosts,
    provision,
    flash,
    firstBoot,
    dialogs: options.dialogs ?? noDialogs,
  };
  const router = createRouter(createHandlers(services));
  return {
    ...services,
    router,
    sweptSecretTemps,
    async dispose() {
      // Running tasks delete their temporary files (a half-made image holds secrets) before the process goes.
      await Promise.all([terminals.killAll(), tasks.cancelAll()]);
      if (currentSecretTempJournal() === journal) useSecretTempJournal(null);
    },
  };
}

/**
 * Wipes the secret temp files and folders that runs killed outright (SIGKILL, power loss) left behind, then lists
 * this process's own from now on, in `<dataDir>/secret-temps/`.
 */
async function openSecretTempJournal(
  dataDir: string,
): Promise<{ journal: SecretTempJournal; report: SweepReport }> {
  const journal = new SecretTempJournal(join(dataDir, 'secret-temps'));
  await journal.open();
  const report = await sweepSecretTemps(journal.dir);
  useSecretTempJournal(journal);
  return { journal, report };
}
