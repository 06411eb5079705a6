import type { PtyProcess, PtySpawnOptions } from '../../src/terminal/pty-spawner.js';

/** A pseudo-terminal that records what the service did to it; tests drive its output and exit by hand. */
export class FakePty implements PtyProcess {
  readonly pid = 4242;
  dataListener: (data: string) => void = () => {};
  exitListener: (exit: { exitCode: number; signal?: number }) => void = () => {};
  readonly written: string[] = [];
  readonly sizes: Array<[number, number]> = [];
  readonly signals: Array<string | undefined> = [];
  constructor(
    readonly file: string,
    readonly args: string[],
    readonly options: PtySpawnOptions,
  ) {}
  onData(listener: (data: string) => void) {
    this.dataListener = listener;
  }
  onExit(listener: (exit: { exitCode: number; signal?: number }) => void) {
    this.exitListener = listener;
  }
  write(data: string) {
    this.written.push(data);
  }
  resize(cols: number, rows: number) {
    this.sizes.push([cols, rows]);
  }
  kill(signal?: string) {
    this.signals.push(signal);
  }
}
