import { spawnSync } from 'node:child_process';

/**
 * Polls the direct children of `parentPid` named `command` and collects the uids they run as, until `stop()`.
 * Only that parent's children: other test files run the same programs as root meanwhile.
 */
export function watchChildUids(parentPid: number, command: string): { stop: () => string[] } {
  const seen = new Set<string>();
  const watch = setInterval(() => {
    const ps = spawnSync('ps', ['-o', 'uid=,comm=', '--ppid', String(parentPid)], { encoding: 'utf8' });
    for (const line of ps.stdout.split('\n')) {
      const [uid, comm] = line.trim().split(/\s+/);
      if (comm === command && uid) seen.add(uid);
    }
  }, 5);
  return {
    stop: () => {
      clearInterval(watch);
      return [...seen];
    },
  };
}
