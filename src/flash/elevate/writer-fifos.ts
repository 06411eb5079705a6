import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  realpathSync,
  type Stats,
  statSync,
} from 'node:fs';
import { Socket } from 'node:net';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { FlashError } from '../flash-errors.js';

/** The two protocol pipes, opened and proven to be the invoking user's own, and that user's uid. */
interface ProtocolFifos {
  input: number;
  output: number;
  /** The owner of both pipes and their folder, read from the opened descriptors (fstat), never from a path. */
  uid: number;
}

const refuse = (why: string) =>
  new FlashError(
    'flash-writer-pipes-refused',
    `The flash writer refused its pipes: ${why}. Nothing was written.`,
    'Start the flash from the app: it makes the pipes itself, in a private folder of your account.',
  );

/** No O_CREAT, no O_TRUNC: nothing is made or emptied; O_NONBLOCK: a pipe without a peer fails instead of hanging. */
const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
const IN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const OUT_FLAGS = constants.O_WRONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

const sameInode = (a: Stats, b: Stats) => a.dev === b.dev && a.ino === b.ino;

function openOrRefuse(file: string, flags: number, what: string, opened: number[]): number {
  try {
    const fd = openSync(file, flags);
    opened.push(fd);
    return fd;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw refuse(code === 'ELOOP' ? `${what} is a symbolic link` : `${what} cannot be opened (${code})`);
  }
}

/**
 * Opens `name` in the current folder, only when it is a FIFO already (lstat): root never opens another kind of node
 * there, not even to look at it (opening a device can have side effects).
 */
function openFifoHere(name: string, flags: number, what: string, opened: number[]): number {
  let info: Stats;
  try {
    info = lstatSync(name);
  } catch (error) {
    throw refuse(`${what} cannot be opened (${(error as NodeJS.ErrnoException).code})`);
  }
  if (info.isSymbolicLink()) throw refuse(`${what} is a symbolic link`);
  if (!info.isFIFO()) throw refuse('they are not both FIFOs');
  return openOrRefuse(name, flags, what, opened);
}

/**
 * macOS's `do shell script` gives the writer no stdin, so the app talks to it over two FIFOs it made in a private
 * folder. Root opens them without following a final link and without creating or truncating anything, then judges
 * the descriptors it holds (fstat), not the paths: each must be a FIFO, owned by the same non-root user as the folder,
 * which must be that user's 0700 folder, reached with no link on the way. The pipes are looked up from the folder
 * itself (the working directory, proven to be the folder opened), so a folder on the path swapped for a link after
 * the check leads nowhere else. Whatever stands at those paths, root thus only ever opens and writes into a pipe of
 * the user who asked, and the user it works for is the pipes' owner. `racer` runs right after the folder check
 * (tests put a swap there).
 */
export function openProtocolFifos(
  inPath: string,
  outPath: string,
  racer: () => void = () => {},
): ProtocolFifos {
  const dir = path.dirname(inPath);
  if (!path.isAbsolute(inPath) || path.dirname(outPath) !== dir || inPath === outPath)
    throw refuse('they must be two different files in one folder, given by absolute paths');
  const opened: number[] = [];
  const cwd = process.cwd();
  try {
    let real: string | null = null;
    try {
      real = realpathSync(dir);
    } catch {
      /* judged below */
    }
    if (real !== dir) throw refuse(`${dir} is not a real folder path (a link on the way, or missing)`);
    const folder = fstatSync(openOrRefuse(dir, DIR_FLAGS, dir, opened));
    racer();
    process.chdir(dir);
    if (!sameInode(statSync('.'), folder)) throw refuse('they changed while they were being checked');
    const input = openFifoHere(path.basename(inPath), IN_FLAGS, inPath, opened);
    const output = openFifoHere(path.basename(outPath), OUT_FLAGS, outPath, opened);
    const ends = [fstatSync(input), fstatSync(output)] as const;
    if (!ends.every((s) => s.isFIFO())) throw refuse('they are not both FIFOs');
    const uid = ends[0].uid;
    if (uid === 0 || !ends.every((s) => s.uid === uid && s.dev === folder.dev))
      throw refuse('they do not both belong to the (non-root) user who asked, in one folder');
    if (!folder.isDirectory() || folder.uid !== uid || (folder.mode & 0o7777) !== 0o700)
      throw refuse(`${dir} is not a private (0700) folder of the pipes' owner`);
    // The paths still name what was opened: nothing was swapped in between.
    const now = [lstatSync(dir), lstatSync(inPath), lstatSync(outPath)];
    if (!sameInode(now[0]!, folder) || !sameInode(now[1]!, ends[0]) || !sameInode(now[2]!, ends[1]))
      throw refuse('they changed while they were being checked');
    closeSync(opened.shift()!);
    return { input, output, uid };
  } catch (error) {
    for (const fd of opened) closeSync(fd);
    throw error instanceof FlashError ? error : refuse(`they could not be checked (${String(error)})`);
  } finally {
    try {
      process.chdir(cwd);
    } catch {
      process.chdir('/');
    }
  }
}

/** The protocol's two streams over checked pipes (libuv treats a FIFO descriptor as a pipe: no blocking reads). */
export function fifoStreams(fifos: ProtocolFifos): { input: Readable; output: Writable } {
  return {
    input: new Socket({ fd: fifos.input, readable: true, writable: false }),
    output: new Socket({ fd: fifos.output, readable: false, writable: true }),
  };
}
