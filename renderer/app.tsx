import { useCallback, useEffect, useState } from 'react';
import type { Settings } from '../src/contract/index.js';
import { call, companion } from './lib/companion.js';
import { useTasks } from './lib/use-tasks.js';
import { DoctorPage } from './workflows/doctor/doctor-page.js';
import { FirstBootPage } from './workflows/first-boot/first-boot-page.js';
import { FlashPage } from './workflows/flash/flash-page.js';
import {
  assertNever,
  pages,
  type Intent,
  type Navigate,
  type PageEntry,
  type PageId,
  type PageIntent,
} from './workflows/navigation.js';
import { ComingPage } from './workflows/placeholder/coming-page.js';
import { ProvisionPage } from './workflows/provision/provision-page.js';
import { SettingsPage } from './workflows/settings/settings-page.js';
import { TasksDock } from './workflows/tasks/tasks-dock.js';
import { TerminalPage } from './workflows/terminal/terminal-page.js';

/** The hand-over each page was last given, numbered so a page can tell a new one from the one it already took. */
type Intents = { [P in Intent['page']]?: PageIntent<P> };

export function App() {
  const [current, setCurrent] = useState<PageId>('provision');
  // Pages stay mounted once opened, so what a wizard holds survives a visit to another page.
  const [visited, setVisited] = useState<ReadonlySet<PageId>>(() => new Set(['provision']));
  const [intents, setIntents] = useState<Intents>({});
  const [settings, setSettings] = useState<Settings | null>(null);
  const { tasks, error } = useTasks();

  useEffect(() => {
    call(companion().settings.get({}))
      .then((view) => setSettings(view.settings))
      .catch(() => setSettings(null));
  }, []);

  useEffect(() => {
    document.documentElement.dataset.theme = settings?.theme ?? 'system';
  }, [settings?.theme]);

  const navigate: Navigate = useCallback((to) => {
    const id = typeof to === 'string' ? to : to.page;
    if (typeof to !== 'string')
      setIntents((old) => ({ ...old, [to.page]: { ...to, seq: (old[to.page]?.seq ?? 0) + 1 } }));
    setVisited((old) => (old.has(id) ? old : new Set([...old, id])));
    setCurrent(id);
  }, []);

  const context: PageContext = { settings, onSettings: setSettings, navigate, intents };

  return (
    <div className="app">
      <SkipLink pageId={current} />
      <nav className="sidebar" aria-label="Workflows">
        <p className="app-name">Pi &amp; Backup Companion</p>
        <ul>
          {pages.map((entry) => (
            <li key={entry.id}>
              <button
                type="button"
                className="nav-item"
                aria-current={entry.id === current ? 'page' : undefined}
                onClick={() => navigate(entry.id)}
              >
                {entry.label}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <main className="content">
        {pages
          .filter((entry) => visited.has(entry.id))
          .map((entry) => (
            <div key={entry.id} className="page-slot" hidden={entry.id !== current}>
              {renderPage(entry, context)}
            </div>
          ))}
      </main>
      <TasksDock tasks={tasks} error={error} />
    </div>
  );
}

/** The first stop of the Tab key: straight to the current page's heading, past the navigation. */
function SkipLink({ pageId }: { pageId: PageId }) {
  const target = `page-title-${pageId}`;
  return (
    <a
      className="skip-link"
      href={`#${target}`}
      onClick={(event) => {
        event.preventDefault();
        // Every visited page stays mounted (hidden), each heading with its own id: this finds the current one.
        const heading = document.getElementById(target);
        heading?.focus();
        heading?.scrollIntoView({ block: 'nearest' });
      }}
    >
      Skip to content
    </a>
  );
}

interface PageContext {
  settings: Settings | null;
  onSettings: (s: Settings) => void;
  navigate: Navigate;
  intents: Intents;
}

function renderPage(page: PageEntry, { settings, onSettings, navigate, intents }: PageContext) {
  switch (page.id) {
    case 'provision':
      return <ProvisionPage page={page} onNavigate={navigate} />;
    case 'flash':
      return <FlashPage page={page} intent={intents.flash ?? null} onNavigate={navigate} />;
    case 'first-boot':
      return <FirstBootPage page={page} intent={intents['first-boot'] ?? null} />;
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
