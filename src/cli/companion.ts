import { askOnTerminal } from './ask.js';
import { runCli } from './run-cli.js';

// `companion … | head` closes stdout early; that is the reader's choice, not a failure worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => process.exit(error.code === 'EPIPE' ? 0 : 1));
}

// Stack traces (COMPANION_DEBUG=1) should name the TypeScript sources, not lines of the bundle.
if (process.env.COMPANION_DEBUG === '1') process.setSourceMapsEnabled(true);

// No top-level await: the bundle is CommonJS (scripts/build.mjs).
void (async () => {
  const exitCode = await runCli(process.argv, {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    terminal: process.stderr.isTTY ? process.stderr : null,
    ...(process.stdin.isTTY ? { ask: (question: string) => askOnTerminal(question) } : {}),
  });
  // Exit explicitly: native handles (keychain, pty) must not keep a finished command alive; flush pipes first.
  await Promise.all([process.stdout, process.stderr].map((s) => new Promise((done) => s.write('', done))));
  process.exit(exitCode);
})();
