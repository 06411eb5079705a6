import type { Settings, SettingsView } from '../../../src/contract/index.js';
import { ActionError } from '../../components/action-error.js';
import { ErrorNotice } from '../../components/error-notice.js';
import { call, companion } from '../../lib/companion.js';
import { useAction } from '../../lib/use-action.js';
import { useLoad } from '../../lib/use-load.js';
import { PageFrame } from '../../components/page-frame.js';
import type { PageEntry } from '../navigation.js';
import { KeychainFieldset } from './keychain-fieldset.js';
import { SelfTestForm } from './self-test-form.js';

export function SettingsPage({ page, onSettings }: { page: PageEntry; onSettings: (s: Settings) => void }) {
  const [view, reload] = useLoad<SettingsView>(() => companion().settings.get({}));
  const action = useAction();

  const update = (patch: Partial<Omit<Settings, 'version'>>) =>
    action.run(
      () => call(companion().settings.update(patch)),
      (next) => {
        onSettings(next.settings);
        reload();
      },
    );

  return (
    <PageFrame page={page}>
      <ActionError action={action} />
      {view.state === 'failed' && <ErrorNotice error={view.error} />}
      {view.state === 'loaded' && (
        <>
          {view.value.recoveredFrom && (
            <div className="notice notice-warning" role="status">
              Your settings file could not be read, so defaults are in use. The old file was kept at{' '}
              <code>{view.value.recoveredFrom}</code>.
            </div>
          )}
          <fieldset>
            <legend>Appearance</legend>
            <label>
              Theme
              <select
                value={view.value.settings.theme}
                onChange={(e) => update({ theme: e.target.value as Settings['theme'] })}
              >
                <option value="system">Follow the system</option>
                <option value="light">Light</option>
                <option value="dark">Dark</option>
              </select>
            </label>
            <label>
              Terminal font size
              <input
                type="number"
                min={8}
                max={32}
                defaultValue={view.value.settings.terminalFontSize}
                onBlur={(e) => update({ terminalFontSize: Number(e.target.value) })}
              />
            </label>
          </fieldset>
          <fieldset>
            <legend>Task history</legend>
            <label>
              Keep the last
              <input
                type="number"
                min={5}
                max={500}
                defaultValue={view.value.settings.taskHistoryLimit}
                onBlur={(e) => update({ taskHistoryLimit: Number(e.target.value) })}
              />
              runs with their logs
            </label>
            <p className="field-note">
              Settings file: <code>{view.value.file}</code>
            </p>
          </fieldset>
        </>
      )}
      <KeychainFieldset />
      <SelfTestForm />
    </PageFrame>
  );
}
