// Runs the bundled root writer (or a launcher in front of it) the way pkexec would: a clean environment holding only
// what pkexec sets, the request on stdin. Answers with the exit code and the writer's protocol lines.
import { spawn } from 'node:child_process';
import { mkdir, rm, rmdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { writerHelperScript } from '../../src/flash/elevate/run-privileged-writer.js';
import {
  decodeEvent,
  type WriterEvent,
  type WriterRequest,
} from '../../src/flash/elevate/writer-protocol.js';

export interface WriterRun {
  code: number | null;
  events: WriterEvent[];
}

export function runWriter(
  file: string,
  args: string[],
  request: Partial<WriterRequest> | null,
  env: NodeJS.ProcessEnv,
): Promise<WriterRun> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'inherit'], env });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.on('close', (code) => resolve({ code, events: out.split('\n').filter(Boolean).map(decodeEvent) }));
    child.stdin.on('error', () => {});
    // detached: the end of stdin after the request is no cancel.
    child.stdin.end(
      request ? `${JSON.stringify({ v: 1, verify: false, detached: true, ...request })}\n` : '',
    );
  });
}

/** The bundled writer run by this Node directly, as root, with exactly `env`. */
export const runHelper = (request: Partial<WriterRequest> | null, env: NodeJS.ProcessEnv = {}) =>
  runWriter(process.execPath, [writerHelperScript()], request, env);

export const errorOf = (run: WriterRun) => {
  const last = run.events.at(-1);
  return last && 'error' in last ? last.error : null;
};

export const doneOf = (run: WriterRun) => {
  const last = run.events.at(-1);
  return last && 'done' in last ? last.done : null;
};

const BY_ID = '/dev/disk/by-id';

/**
 * /dev/disk/by-id links as udev would make them, for machines without udev (this one): each link made here and any
 * folder this made are removed by `remove()`.
 */
export function byIdLinks(): {
  link: (name: string, device: string) => Promise<void>;
  remove: () => Promise<void>;
} {
  const made: string[] = [];
  const folders: string[] = [];
  return {
    link: async (name, device) => {
      for (const folder of ['/dev/disk', BY_ID]) {
        const created = await mkdir(folder).then(
          () => true,
          () => false,
        );
        if (created) folders.unshift(folder);
      }
      const at = path.join(BY_ID, name);
      await symlink(path.join('../..', path.basename(device)), at);
      made.push(at);
    },
    remove: async () => {
      for (const at of made.splice(0)) await rm(at, { force: true });
      for (const folder of folders.splice(0)) await rmdir(folder).catch(() => undefined);
    },
  };
}
