import { useState, type FormEvent } from 'react';
import type { HostProfile, ProvisionPlan, ProvisionRequest } from '../../../src/contract/index.js';
import { ActionError } from '../../components/action-error.js';
import { call, companion } from '../../lib/companion.js';
import { useAction } from '../../lib/use-action.js';
import { ImageFieldset, SecretsFieldset } from './inputs-fieldsets.js';
import { initialForm, toProvisionRequest, type ProvisionForm } from './provision-form.js';

/**
 * Step 2: where the image comes from, where it goes, and where the secrets come from. "Check" asks the core to
 * validate everything (and decrypt the SOPS file) before any image is written.
 */
export function InputsStep({
  host,
  onBack,
  onChecked,
}: {
  host: HostProfile;
  onBack: () => void;
  onChecked: (request: ProvisionRequest, plan: ProvisionPlan) => void;
}) {
  const [form, setForm] = useState<ProvisionForm>(() => initialForm(host));
  const onForm = (patch: Partial<ProvisionForm>) => setForm((now) => ({ ...now, ...patch }));
  const check = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const request = toProvisionRequest(form);
    check.run(
      () => call(companion().provision.check(request)),
      (plan) => onChecked(request, plan),
    );
  };

  return (
    <form className="wizard-step" onSubmit={submit}>
      <ImageFieldset form={form} onForm={onForm} />
      <SecretsFieldset form={form} onForm={onForm} />
      <ActionError action={check} />
      <div className="wizard-actions">
        <button type="button" className="button-quiet" onClick={onBack}>
          Back
        </button>
        <button type="submit" disabled={check.busy}>
          {check.busy ? 'Checking…' : 'Check'}
        </button>
      </div>
    </form>
  );
}
