import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ProvisionPlan, ProvisionRequest } from '../../../src/contract/index.js';
import { ActionError } from '../../components/action-error.js';
import { call, companion } from '../../lib/companion.js';
import { useAction } from '../../lib/use-action.js';
import { useImageInspection } from '../../lib/use-image-inspection.js';
import { focusFirstInvalid } from '../../components/field-description.js';
import { ImageFieldset, SecretsFieldset } from './inputs-fieldsets.js';
import { toProvisionRequest, type ProvisionForm } from './provision-form.js';
import {
  fieldOfError,
  inputsProblems,
  isShown,
  type FieldProblems,
  type InputsField,
} from './provision-validation.js';

/**
 * Step 2: where the image comes from, where it goes, and where the secrets come from. The form is the page's, so
 * Back, a failed run and a visit to another page keep what was typed. Typing mistakes and a file that is no image
 * are said at the field; "Check" asks the core to validate the rest (and decrypt the SOPS file) before any image is
 * written, and an error it returns about one field is put next to that field.
 */
export function InputsStep({
  form,
  onForm,
  onBack,
  onChecked,
}: {
  form: ProvisionForm;
  onForm: (patch: Partial<ProvisionForm>) => void;
  onBack: () => void;
  onChecked: (request: ProvisionRequest, plan: ProvisionPlan) => void;
}) {
  const check = useAction();
  const image = useImageInspection(form.imagePath);
  const root = useRef<HTMLFormElement>(null);
  // A required field left empty is only a mistake once the user has been in it or tried to go on.
  const [touched, setTouched] = useState<ReadonlySet<string>>(() => new Set());
  const [attempted, setAttempted] = useState(false);
  const [focusRequest, setFocusRequest] = useState(0);

  const typed = inputsProblems(form, image);
  if (typed.dest && !form.dest && !attempted && !touched.has('dest')) delete typed.dest;
  const coreField = check.error ? fieldOfError(form, check.error) : null;
  const atField = coreField && isShown(form, coreField) ? coreField : null;
  const problems: FieldProblems<InputsField> =
    atField && check.error ? { [atField]: check.error, ...typed } : typed;

  useEffect(() => {
    if (focusRequest > 0) focusFirstInvalid(root.current);
  }, [focusRequest]);
  // An error the core put at a field takes the focus there, so it is read out with its field.
  const errorAtField = atField ? check.error : null;
  useEffect(() => {
    if (errorAtField) focusFirstInvalid(root.current);
  }, [errorAtField]);

  const edit = (patch: Partial<ProvisionForm>) => {
    // The core's answer was about the values it was given; an edit makes it stale.
    check.dismiss();
    setTouched((old) => new Set([...old, ...Object.keys(patch)]));
    onForm(patch);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAttempted(true);
    if (Object.keys(inputsProblems(form, image)).length > 0) {
      setFocusRequest((n) => n + 1);
      return;
    }
    const request = toProvisionRequest(form);
    check.run(
      () => call(companion().provision.check(request)),
      (plan) => onChecked(request, plan),
    );
  };

  return (
    <form className="wizard-step" onSubmit={submit} ref={root} noValidate>
      <ImageFieldset form={form} onForm={edit} problems={problems} image={image} />
      <SecretsFieldset form={form} onForm={edit} problems={problems} />
      {!atField && <ActionError action={check} />}
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
