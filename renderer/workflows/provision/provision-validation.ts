import type { z } from 'zod';
import { HostName, HostProfile, ProvisionRequest, type ErrorInfo } from '../../../src/contract/index.js';
import { imageProblem, type ImageCheck } from '../../lib/use-image-inspection.js';
import type { FieldProblem } from '../../components/field-description.js';
import type { ProvisionForm } from './provision-form.js';

export type InputsField = keyof Pick<
  ProvisionForm,
  'imagePath' | 'flakeDir' | 'dest' | 'sopsFile' | 'ageKeyFile' | 'ssid' | 'psk' | 'country' | 'hostKeyFile'
>;

export type FieldProblems<F extends string> = Partial<Record<F, FieldProblem>>;

/** The contract's own message for a value its schema refuses, as a sentence; null when the value passes. */
function schemaProblem(schema: z.ZodType, value: unknown): string | null {
  const result = schema.safeParse(value);
  if (result.success) return null;
  const message = result.error.issues[0]?.message ?? 'this value is not accepted';
  return `${message.charAt(0).toUpperCase()}${message.slice(1)}.`;
}

/** A lower-case, dashed version of what was typed, offered when it would pass. */
function suggestedHostName(typed: string): string | null {
  const guess = typed
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return guess && guess !== typed && HostName.safeParse(guess).success ? guess : null;
}

/** The host name by the contract's rule, with a suggestion; a name already saved is chosen from the list instead. */
export function hostNameProblem(name: string, existing: readonly string[]): string | null {
  if (!name.trim()) return 'Enter a host name, such as pi-garage.';
  const problem = schemaProblem(HostName, name);
  if (problem) {
    const guess = suggestedHostName(name);
    return guess ? `${problem} Try “${guess}”.` : problem;
  }
  if (existing.includes(name)) return `There is already a host ${name}: choose it in the list above.`;
  return null;
}

/** Empty is fine (no country); else what the host profile accepts, typed in either case. */
export function countryProblem(country: string): string | null {
  const value = country.trim().toUpperCase();
  return value ? schemaProblem(HostProfile.shape.wifiCountry, value) : null;
}

/** The inputs step's problems as typed: the output is required, the country checked, the image as inspected. */
export function inputsProblems(form: ProvisionForm, image: ImageCheck): FieldProblems<InputsField> {
  const problems: FieldProblems<InputsField> = {};
  const dest = schemaProblem(ProvisionRequest.shape.dest, form.dest.trim());
  if (dest) problems.dest = dest;
  if (form.secretsFrom !== 'none') {
    const country = countryProblem(form.country);
    if (country) problems.country = country;
  }
  const imageFault = form.imagePath.trim() ? imageProblem(image) : null;
  if (imageFault) problems.imagePath = imageFault;
  return problems;
}

const FIELD_OF_CODE: Record<string, InputsField> = {
  'provision-dest-exists': 'dest',
  'provision-dest-invalid': 'dest',
  'provision-dest-is-source': 'dest',
  'provision-dest-unwritable': 'dest',
  'provision-image-missing': 'imagePath',
  'provision-flake-missing': 'flakeDir',
  'provision-host-key-invalid': 'hostKeyFile',
  'age-identity-missing': 'ageKeyFile',
  'age-identity-invalid': 'ageKeyFile',
  'age-identity-unreadable': 'ageKeyFile',
  'sops-no-matching-key': 'ageKeyFile',
  'sops-file-unreadable': 'sopsFile',
  'sops-parse-failed': 'sopsFile',
  'sops-not-encrypted': 'sopsFile',
  'sops-invalid-metadata': 'sopsFile',
  'sops-mac-mismatch': 'sopsFile',
  'wifi-country-invalid': 'country',
  'wifi-ssid-invalid': 'ssid',
  'wifi-psk-invalid': 'psk',
};

/** The field a core error is about, when its code tells; image errors belong to the source image. */
export function fieldOfError(form: ProvisionForm, error: ErrorInfo): InputsField | null {
  const field = FIELD_OF_CODE[error.code] ?? (error.code.startsWith('image-') ? 'imagePath' : null);
  if (field === 'imagePath' && !form.imagePath.trim()) return null;
  return field;
}

/** Whether the inputs step shows the field for this form, so a problem can be put next to it. */
export function isShown(form: ProvisionForm, field: InputsField): boolean {
  switch (field) {
    case 'flakeDir':
      return !form.imagePath.trim();
    case 'sopsFile':
    case 'ageKeyFile':
      return form.secretsFrom === 'sops';
    case 'ssid':
    case 'psk':
      return form.secretsFrom === 'typed';
    case 'country':
      return form.secretsFrom !== 'none';
    default:
      return true;
  }
}
