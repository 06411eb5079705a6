import type { CompanionApi, ErrorInfo, Result } from '../../src/contract/index.js';

declare global {
  interface Window {
    companion?: CompanionApi;
  }
}

/** The preload's (or the test bridge's) verb object; a missing one means the page runs outside the app. */
export function companion(): CompanionApi {
  if (!window.companion) {
    throw new CompanionCallError({
      code: 'no-bridge',
      message: 'This page is not connected to the app core.',
      hint: 'Start it with `npm start` (or the installed app) rather than opening the HTML file.',
    });
  }
  return window.companion;
}

/** A core error, carried intact so the UI can show message and hint. */
export class CompanionCallError extends Error {
  constructor(readonly info: ErrorInfo) {
    super(info.message);
  }
}

/** Awaits a verb and throws its `{code, message, hint}` as a CompanionCallError. */
export async function call<T>(pending: Promise<Result<T>>): Promise<T> {
  const result = await pending;
  if (!result.ok) throw new CompanionCallError(result.error);
  return result.value;
}

export function errorInfo(error: unknown): ErrorInfo {
  if (error instanceof CompanionCallError) return error.info;
  return {
    code: 'internal',
    message: error instanceof Error ? error.message : String(error),
    hint: 'Reload the window; if it happens again, report it with the task log.',
  };
}
