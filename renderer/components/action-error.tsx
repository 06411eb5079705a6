import type { Action } from '../lib/use-action.js';
import { ErrorNotice } from './error-notice.js';

/** The error of a `useAction()`, dismissable. */
export function ActionError({ action }: { action: Pick<Action, 'error' | 'dismiss'> }) {
  return action.error ? <ErrorNotice error={action.error} onDismiss={action.dismiss} /> : null;
}
