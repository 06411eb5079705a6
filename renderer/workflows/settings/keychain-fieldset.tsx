import type { KeychainStatus } from '../../../src/contract/index.js';
import { ErrorNotice } from '../../components/error-notice.js';
import { companion } from '../../lib/companion.js';
import { useLoad } from '../../lib/use-load.js';

/** Which keychain holds the passphrases, and whether it answers. */
export function KeychainFieldset() {
  const [keychain] = useLoad<KeychainStatus>(() => companion().keychain.status({}));
  return (
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
  );
}
