// Entry of the privileged flash writer (ISSUE 4), bundled to dist/helper/companion-flash-writer.cjs and run as root
// by pkexec (Linux) or `do shell script … with administrator privileges` (macOS) through
// resources/bin/companion-flash-writer. It serves exactly one request: no socket, no arguments that name files
// to write. Linux talks over stdin/stdout; macOS over two pipes the app made (`--in <fifo> --out <fifo>`), because
// `do shell script` gives its command no stdin and returns its stdout only at the end.
import { createReadStream, createWriteStream } from 'node:fs';
import { runWriterSession } from './writer-session.js';

function pipeArgs(argv: readonly string[]): { inPath: string; outPath: string } | null {
  if (argv.length === 0) return null;
  const [inFlag, inPath, outFlag, outPath] = argv;
  if (argv.length === 4 && inFlag === '--in' && outFlag === '--out' && inPath && outPath)
    return { inPath, outPath };
  process.stderr.write('usage: companion-flash-writer [--in FIFO --out FIFO] (request as one JSON line)\n');
  process.exit(2);
}

const pipes = pipeArgs(process.argv.slice(2));
const input = pipes ? createReadStream(pipes.inPath) : process.stdin;
const output = pipes ? createWriteStream(pipes.outPath) : process.stdout;
// The app going away must not kill us with EPIPE mid-write: the write goes on to a clean stop instead.
output.on('error', () => {});
// Not top-level await: the bundle is CommonJS.
void runWriterSession({ input, output, env: process.env, inputPath: pipes?.inPath ?? null }).then((code) =>
  output.end(() => process.exit(code)),
);
