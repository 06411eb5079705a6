import { CompanionError } from '../errors.js';

export interface PickPathRequest {
  purpose: 'open-file' | 'save-file' | 'folder';
  title: string;
  defaultPath?: string;
  filters?: { name: string; extensions: string[] }[];
}

/** The OS file dialogs: Electron's in main/, none in the CLI, a scripted fake in test/helpers/. */
export interface Dialogs {
  /** The chosen path, or null when the user cancelled. */
  pickPath(request: PickPathRequest): Promise<string | null>;
}

export const noDialogs: Dialogs = {
  async pickPath() {
    throw new CompanionError(
      'dialogs-unavailable',
      'A file dialog cannot be shown here.',
      'Type or paste the path into the field instead.',
    );
  },
};
