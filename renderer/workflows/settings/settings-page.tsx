import { useState } from 'react';
import type { ErrorInfo, KeychainStatus, Settings, SettingsView } from '../../../src/contract/index.js';
import { ErrorNotice } from '../../components/error-notice.js';
import { call, companion, errorInfo } from '../../lib/companion.js';
import { useLoad } from '../../lib/use-load.js';
import { PageFrame } from '../../components/page-frame.js';
import type { PageEntry } from '../navigation.js';
import { SelfTestForm } from './self-test-form.js';

export function SettingsPage({ page, onSettings }: { page: PageEntry; onSettings: (s: Settings) => void }) {
  const [view, reload] = useLoad<SettingsView>(() => companion().settings.get({}));
  const [keychain] = useLoad<KeychainStatus>(() => companion().keychain.status({}));
  const [error, setError] = useState<ErrorInfo | null>(null);

  const update = (patch: Partial<Omit<Settings, 'version'>>) => {
    call(companion().settings.update(patch))
      .then((next) => {
        setError(null);
        onSettings(next.settings);
        reload();
      })
      .catch((e: unknown) => setError(errorInfo(e)));
  };

  return (
    <PageFrame page={page}>
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
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
      <fieldset>
        <legend>Keychain</legend>
        {keychain.state === 'loading' && <p>Checking the keychain…</p>}
        {keychain.state === 'failed' && <ErrorNotice error={keychain.error} />}
        {keychain.state === 'loaded' && (
          <div
            className={`notice ${keychain.value.available ? 'notice-info' : 'notice-error'}`}
            data-testid="keychain-status"
          >
            <p>
              {keychain.value.backend}: {keychain.value.message}
            </p>
            {keychain.value.hint && <p className="notice-hint">{keychain.value.hint}</p>}
          </div>
        )}
        <p className="field-note">
          Passphrases and passwords are kept only in the keychain, never in the settings file.
        </p>
      </fieldset>
      <SelfTestForm />
    </PageFrame>
  );
}
