import type { ProvisionPlan, ProvisionRequest } from '../../../src/contract/index.js';
import { ActionError } from '../../components/action-error.js';
import { call, companion } from '../../lib/companion.js';
import { useAction } from '../../lib/use-action.js';
import { formatBytes } from '../../lib/format.js';
import { FilesTable } from './files-table.js';

const ORIGIN: Record<string, string> = {
  sops: 'from the SOPS file',
  typed: 'typed here',
  file: 'from the key file',
  generated: 'new, generated when provisioning starts',
  none: 'none',
};

/** Step 3: what will happen, checked by the core; nothing has been written yet. */
export function ReviewStep({
  request,
  plan,
  onBack,
  onStarted,
}: {
  request: ProvisionRequest;
  plan: ProvisionPlan;
  onBack: () => void;
  onStarted: (taskId: string) => void;
}) {
  const action = useAction();
  const start = () =>
    action.run(
      () => call(companion().provision.start(request)),
      ({ id }) => onStarted(id),
    );
  return (
    <div className="wizard-step">
      <dl className="plan">
        <dt>Source</dt>
        <dd>
          {plan.source.kind === 'file'
            ? `${plan.source.path} (${plan.source.format}, ${formatBytes(plan.source.sizeBytes)})`
            : `nix build ${plan.source.flakeDir}#${plan.source.attribute}`}
        </dd>
        <dt>Output</dt>
        <dd>
          <code>{plan.dest}</code> (0600)
        </dd>
        <dt>Wi-Fi</dt>
        <dd>
          {plan.wifi
            ? `“${plan.wifi.ssid}” (name ${ORIGIN[plan.wifi.ssidFrom]}, password ${ORIGIN[plan.wifi.pskFrom]})` +
              (plan.wifi.country ? `, country ${plan.wifi.country}` : '')
            : 'none (Ethernet)'}
        </dd>
        <dt>Host key</dt>
        <dd data-testid="plan-host-key">
          {plan.hostKey.fingerprint ?? 'a new ed25519 key'} ({ORIGIN[plan.hostKey.from]})
        </dd>
        {plan.sopsKeysFound.length > 0 && (
          <>
            <dt>In the SOPS file</dt>
            <dd>{plan.sopsKeysFound.join(', ')}</dd>
          </>
        )}
      </dl>
      <FilesTable caption="Files written into the image’s ext4 root" files={plan.files} />
      {plan.warnings.map((warning) => (
        <p key={warning} className="notice notice-warning" role="status">
          {warning}
        </p>
      ))}
      <ActionError action={action} />
      <div className="wizard-actions">
        <button type="button" className="button-quiet" onClick={onBack}>
          Back
        </button>
        <button type="button" onClick={start} disabled={action.busy}>
          Provision
        </button>
      </div>
    </div>
  );
}
