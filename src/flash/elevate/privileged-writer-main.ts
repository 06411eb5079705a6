// Entry of the privileged flash writer, bundled to dist/helper/companion-flash-writer.cjs and run as root
// by pkexec (Linux) or `do shell script … with administrator privileges` (macOS) through
// resources/bin/companion-flash-writer. It serves exactly one request: no socket, and no argument names a file. Linux
// talks over stdin/stdout and takes no argument at all; macOS over two FIFOs the app made (`--in <fifo> --out <fifo>`),
// because `do shell script` gives its command no stdin and returns its stdout only at the end. Those are opened and
// judged by writer-fifos.ts before anything is written to them.
import type { Readable, Writable } from 'node:stream';
import { describeError } from '../../errors.js';
import { FlashError } from '../flash-errors.js';
import { fifoStreams, openProtocolFifos } from './writer-fifos.js';
import { encodeLine } from './writer-protocol.js';
import { runWriterSession } from './writer-session.js';

interface Channel {
  input: Readable;
  output: Writable;
  pipeOwner: number | null;
}

function usage(): FlashError {
  return new FlashError(
    'flash-writer-usage',
    'The flash writer takes no arguments here (it never takes a file to write from its command line); nothing was written.',
    process.platform === 'darwin'
      ? 'Start it as: companion-flash-writer --in FIFO --out FIFO, the FIFOs in a private folder of your account.'
      : 'Send the request as one JSON line on its standard input, with no arguments.',
  );
}

function openChannel(argv: readonly string[]): Channel {
  if (argv.length === 0) return { input: process.stdin, output: process.stdout, pipeOwner: null };
  const [inFlag, inPath, outFlag, outPath] = argv;
  const fifoArgs = argv.length === 4 && inFlag === '--in' && outFlag === '--out' && inPath && outPath;
  if (process.platform !== 'darwin' || !fifoArgs) throw usage();
  const fifos = openProtocolFifos(inPath, outPath);
  return { ...fifoStreams(fifos), pipeOwner: fifos.uid };
}

function serve({ input, output, pipeOwner }: Channel): void {
  // The app going away must not kill us with EPIPE mid-write: the write goes on to a clean stop instead.
  output.on('error', () => {});
  // Ctrl-C in the terminal of the sudo command (sudo relays it), or a shutdown: stop at the next block, say so, exit.
  const stop = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop.abort());
  // Not top-level await: the bundle is CommonJS.
  void runWriterSession({ input, output, env: process.env, pipeOwner, signal: stop.signal }).then((code) =>
    output.end(() => process.exit(code)),
  );
}

let channel: Channel | null = null;
try {
  channel = openChannel(process.argv.slice(2));
} catch (error) {
  // Said on stdout in the protocol (the caller's own pipe), never into a file an argument names.
  process.stdout.write(encodeLine({ error: describeError(error) }), () => process.exit(2));
}
if (channel) serve(channel);
