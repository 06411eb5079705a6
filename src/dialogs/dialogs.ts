import { CompanionError } from '../errors.js';

export interface PickPathRequest {
  purpose: 'open-file' | 'save-file' | 'folder';
  title: string;
  defaultPath?: string;
  filters?: { name: string; extensions: string[] }[];
}

/** The OS file dialogs: Electron's in main/, none in the CLI, a scripted fake in tests. */
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

/** Answers dialogs from a queue, for tests; an unexpected dialog fails loudly. */
export class ScriptedDialogs implements Dialogs {
  readonly asked: PickPathRequest[] = [];
  constructor(private readonly answers: (string | null)[] = []) {}

  answer(path: string | null): void {
    this.answers.push(path);
  }

  async pickPath(request: PickPathRequest): Promise<string | null> {
    this.asked.push(request);
    if (this.answers.length === 0) throw new Error(`Unexpected dialog: ${request.title}`);
    return this.answers.shift() ?? null;
  }
}
