import type { Dialogs, PickPathRequest } from '../../src/dialogs/dialogs.js';

/** Answers dialogs from a queue; an unexpected dialog fails loudly. */
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
