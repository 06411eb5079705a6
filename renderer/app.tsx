import { useEffect, useState } from 'react';
import type { Settings } from '../src/contract/index.js';
import { ErrorNotice } from './components/error-notice.js';
import { call, companion } from './lib/companion.js';
import { useTasks } from './lib/use-tasks.js';
import { DoctorPage } from './workflows/doctor/doctor-page.js';
import { FirstBootPage } from './workflows/first-boot/first-boot-page.js';
import { FlashPage } from './workflows/flash/flash-page.js';
import { assertNever, pages, type PageEntry, type PageId } from './workflows/navigation.js';
import { ComingPage } from './workflows/placeholder/coming-page.js';
import { ProvisionPage } from './workflows/provision/provision-page.js';
import { SettingsPage } from './workflows/settings/settings-page.js';
import { TasksPanel } from './workflows/tasks/tasks-panel.js';
import { TerminalPage } from './workflows/terminal/terminal-page.js';

export function App() {
  const [current, setCurrent] = useState<PageId>('provision');
  const [settings, setSettings] = useState<Settings | null>(null);
  const [tasksOpen, setTasksOpen] = useState(true);
  const { tasks, error } = useTasks();

  useEffect(() => {
    call(companion().settings.get({}))
      .then((view) => setSettings(view.settings))
      .catch(() => setSettings(null));
  }, []);

  useEffect(() => {
    document.documentElement.dataset.theme = settings?.theme ?? 'system';
  }, [settings?.theme]);

  const running = tasks.filter((task) => task.state === 'running').length;
  const page = pages.find((p) => p.id === current) ?? pages[0]!;

  return (
    <div className="app">
      <nav className="sidebar" aria-label="Workflows">
        <p className="app-name">Pi &amp; Backup Companion</p>
        <ul>
          {pages.map((entry) => (
            <li key={entry.id}>
              <button
                type="button"
                className="nav-item"
                aria-current={entry.id === current ? 'page' : undefined}
                onClick={() => setCurrent(entry.id)}
              >
                {entry.label}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <main className="content">{renderPage(page, settings, setSettings, setCurrent)}</main>
      <aside className={`dock ${tasksOpen ? 'dock-open' : ''}`} aria-label="Tasks panel">
        <button
          type="button"
          className="dock-toggle"
          aria-expanded={tasksOpen}
          onClick={() => setTasksOpen((o) => !o)}
        >
          Tasks{running > 0 ? ` (${running} running)` : ''}
        </button>
        {error && <ErrorNotice error={error} />}
        {tasksOpen && <TasksPanel tasks={tasks} />}
      </aside>
    </div>
  );
}

function renderPage(
  page: PageEntry,
  settings: Settings | null,
  onSettings: (s: Settings) => void,
  go: (id: PageId) => void,
) {
  switch (page.id) {
    case 'provision':
      return <ProvisionPage page={page} />;
    case 'flash':
      return <FlashPage page={page} onFirstBoot={() => go('first-boot')} />;
    case 'first-boot':
      return <FirstBootPage page={page} />;
    case 'backups':
      return (
        <ComingPage
          page={page}
          details={[
            'Create, list, prune (dry run first), compact and check Borg repositories on rsync.net.',
            'Keep passphrases in the OS keychain; run jobs on a schedule.',
          ]}
        />
      );
    case 'restore':
      return (
        <ComingPage page={page} details={['Browse an archive and extract one file into a safe folder.']} />
      );
    case 'signing':
      return (
        <ComingPage
          page={page}
          details={[
            'Generate upload keystores with passwords in the keychain.',
            'Keep key.properties outside the repository and show fingerprints.',
          ]}
        />
      );
    case 'terminal':
      return <TerminalPage page={page} fontSize={settings?.terminalFontSize ?? 13} />;
    case 'doctor':
      return <DoctorPage page={page} />;
    case 'settings':
      return <SettingsPage page={page} onSettings={onSettings} />;
    default:
      return assertNever(page.id);
  }
}
