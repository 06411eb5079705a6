import type { CompanionEvent } from './contract/index.js';

type Listener = (event: CompanionEvent) => void;

/** Fans core events out to every face (Electron windows, the test bridge, the CLI). */
export class EventHub {
  private readonly listeners = new Set<Listener>();

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: CompanionEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A broken listener (a closed window, a dropped socket) must not stop the others or the task.
      }
    }
  }
}
