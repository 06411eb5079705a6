import { createInterface } from 'node:readline';
import { CliError } from './cli-error.js';
import { ExitCode } from './exit-codes.js';

/**
 * One question on the terminal: the question on `output` (stderr, so stdout keeps only results), the answer read
 * from `input`. Null when the input ended (Ctrl-D); Ctrl-C rejects as a cancel, as it does everywhere else.
 */
export function askOnTerminal(
  question: string,
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stderr,
): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input, output, terminal: true });
    let answered = false;
    rl.on('SIGINT', () => {
      answered = true;
      output.write('\n');
      rl.close();
      reject(
        new CliError(
          'Cancelled: nothing was written.',
          'Run the command again when you are ready.',
          ExitCode.cancelled,
        ),
      );
    });
    rl.on('close', () => {
      if (!answered) resolve(null);
    });
    rl.question(question, (answer) => {
      answered = true;
      rl.close();
      resolve(answer);
    });
  });
}
