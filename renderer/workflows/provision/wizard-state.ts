import type { HostProfile, ProvisionPlan, ProvisionRequest } from '../../../src/contract/index.js';

/** The wizard's steps; `renderStep` switches over `kind` with assertNever, so a new step cannot be forgotten. */
export type WizardStep =
  | { kind: 'host' }
  | { kind: 'inputs'; host: HostProfile }
  | { kind: 'review'; host: HostProfile; request: ProvisionRequest; plan: ProvisionPlan }
  | { kind: 'running'; host: HostProfile; request: ProvisionRequest; taskId: string }
  | { kind: 'done'; hostName: string; taskId: string };

export const stepTitles: Record<WizardStep['kind'], string> = {
  host: '1. Host',
  inputs: '2. Image and secrets',
  review: '3. Review',
  running: '4. Provision',
  done: '5. Pin and next steps',
};
