import { useCallback, useState } from 'react';
import type { HostProfile, ProvisionPlan, ProvisionRequest } from '../../../src/contract/index.js';
import { initialForm, type ProvisionForm } from './provision-form.js';

/** The wizard's steps; `renderStep` switches over `kind` with assertNever, so a new step cannot be forgotten. */
export type WizardStep =
  | { kind: 'host' }
  | { kind: 'inputs'; host: HostProfile }
  | { kind: 'review'; host: HostProfile; request: ProvisionRequest; plan: ProvisionPlan }
  | { kind: 'running'; host: HostProfile; taskId: string }
  | { kind: 'done'; hostName: string; taskId: string };

export const stepTitles: Record<WizardStep['kind'], string> = {
  host: '1. Host',
  inputs: '2. Image and secrets',
  review: '3. Review',
  running: '4. Provision',
  done: '5. Pin and next steps',
};

/**
 * The inputs form of each host, held by the page rather than the step: Back from Review, Back after a failed run and
 * a visit to another page find it as it was typed. A host not yet edited starts from its profile.
 */
export function useProvisionForms() {
  const [forms, setForms] = useState<Readonly<Record<string, ProvisionForm>>>({});
  const formOf = useCallback((host: HostProfile) => forms[host.name] ?? initialForm(host), [forms]);
  const edit = useCallback((host: HostProfile, patch: Partial<ProvisionForm>) => {
    setForms((old) => ({ ...old, [host.name]: { ...(old[host.name] ?? initialForm(host)), ...patch } }));
  }, []);
  /** After a successful run the profile remembers what counts; typed secrets are not kept any longer. */
  const forget = useCallback((name: string) => {
    setForms(({ [name]: _gone, ...rest }) => rest);
  }, []);
  return { formOf, edit, forget };
}
