import { constants, read } from 'node:fs';
import { type FileHandle, mkdtemp, open, rm, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Decompressor, spawnDecompressor } from '../../image/index.js';
import { findSystemProgram, runToolOrThrow } from '../../tools/index.js';

const readAt = promisify(read);
const PUMP_CHUNK = 1024 * 1024;

export interface Pump {
  done: Promise<void>;
  stop(): void;
}

/**
 * Feeds `fd` from byte 0 into `stdin` with positional reads, so the descriptor's own offset neither matters nor
 * moves, and it stays open (its owner closes it; an fs stream closes a descriptor it was given once destroyed).
 * Settles after its last read; a decompressor that stops early closes its stdin, and its exit status says why.
 */
function pumpFromDescriptor(fd: number, stdin: NodeJS.WritableStream): Pump {
  let stopped = false;
  stdin.on('error', () => (stopped = true));
  const done = (async () => {
    for (let position = 0; !stopped;) {
      const buffer = Buffer.allocUnsafe(PUMP_CHUNK);
      const { bytesRead } = await readAt(fd, buffer, 0, PUMP_CHUNK, position);
      if (bytesRead === 0 || stopped) break;
      position += bytesRead;
      if (!stdin.write(buffer.subarray(0, bytesRead)))
        await new Promise((resolve) => {
          stdin.once('drain', resolve);
          stdin.once('close', resolve);
        });
    }
    stdin.end();
  })().catch(() => {
    stopped = true;
  });
  return { done, stop: () => void (stopped = true) };
}

/**
 * A private folder for the FIFO. As root it is made under /run (/var/run on macOS), never under a TMPDIR that the
 * invoking user owns and could swap the folder in (the FIFO path would then lead to a file of their choosing).
 */
async function fifoFolder(): Promise<string> {
  const roots = process.getuid?.() === 0 ? ['/run', '/var/run'] : [tmpdir()];
  const base =
    (
      await Promise.all(
        roots.map((r) =>
          stat(r).then(
            () => r,
            () => null,
          ),
        ),
      )
    ).find(Boolean) ?? tmpdir();
  return mkdtemp(path.join(base, 'companion-flash-'));
}

/**
 * The decompressor writes into a named pipe that the worker reads with large blocking reads. A named pipe because
 * Node cannot create an anonymous one whose raw descriptor a worker may read; it lives in a private folder and is
 * unlinked as soon as both ends are open. With `inputFd` the compressed bytes are fed to its stdin from that
 * descriptor by positional reads from byte 0, so the descriptor's own offset never matters and it can be read twice.
 */
export async function decompressorPipe(
  tool: string,
  args: readonly string[],
  input: { fd: number; atStart: boolean } | null,
  runAs?: { uid: number; gid: number },
) {
  const dir = await fifoFolder();
  const opened: FileHandle[] = [];
  let child: Decompressor | null = null;
  try {
    const fifo = path.join(dir, 'image');
    await runToolOrThrow(await findSystemProgram('mkfifo'), ['-m', '600', '--', fifo]);
    // Non-blocking first, so opening the write end cannot wait for a reader (and the reader for a writer). No
    // following links, and it must be the FIFO just made.
    const probe = await open(fifo, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
    opened.push(probe);
    if (!(await probe.stat()).isFIFO()) throw new Error(`${fifo} is not the pipe just made`);
    const writeEnd = await open(fifo, constants.O_WRONLY | constants.O_NOFOLLOW);
    opened.push(writeEnd);
    const direct = input?.atStart ? input.fd : undefined;
    child = spawnDecompressor(tool, args, writeEnd.fd, direct, runAs);
    let pump: Pump | null = null;
    if (!input)
      child.stdin?.end(); // it reads the file named in args
    else if (direct === undefined) pump = pumpFromDescriptor(input.fd, child.stdin as NodeJS.WritableStream);
    const readEnd = await open(fifo, constants.O_RDONLY | constants.O_NOFOLLOW);
    await Promise.all(opened.splice(0).map((h) => h.close()));
    return { child, readEnd, pump };
  } catch (error) {
    child?.stop();
    await Promise.allSettled(opened.map((h) => h.close()));
    throw error;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
