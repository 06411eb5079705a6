import path from 'node:path';

export const HOST_KEY_NAME = 'ssh_host_ed25519_key';

/** The two files provisioning puts in the bootstrap folder, as they are passed to (and printed by) `stat`. */
export function bootstrapFilePaths(dir: string): { key: string; pub: string } {
  const key = path.posix.join(dir, HOST_KEY_NAME);
  return { key, pub: `${key}.pub` };
}

export interface StatEntry {
  /** Permission bits in octal as `stat %a` prints them, e.g. `600`. */
  mode: string;
  owner: string;
  group: string;
  size: number;
  name: string;
}

/** Parses `stat -c '%a %U %G %s %n'` lines; the name is the rest of the line, so spaces in it survive. */
export function parseStatLines(stdout: string): StatEntry[] {
  const entries: StatEntry[] = [];
  for (const line of stdout.split('\n')) {
    const match = /^([0-7]{1,4}) (\S+) (\S+) (\d+) (.+)$/.exec(line);
    if (!match) continue;
    const [, mode = '', owner = '', group = '', size = '0', name = ''] = match;
    entries.push({ mode, owner, group, size: Number(size), name });
  }
  return entries;
}

/** Why stat could not report `file`, from its stderr (`stat: cannot statx '…': Permission denied`), if it said. */
function statComplaint(stderr: string, file: string): string | null {
  // Matched with its quotes: the key's path is a prefix of the .pub's.
  const line = stderr.split('\n').find((l) => l.includes(`'${file}'`));
  if (!line) return null;
  return line.slice(line.lastIndexOf(': ') + 2).trim() || null;
}

function whyAbsent(stderr: string, file: string, label: string, dir: string): string {
  const complaint = statComplaint(stderr, file);
  if (complaint === null || /no such file/i.test(complaint)) return `${label} is missing from ${dir}`;
  return `${label} cannot be checked (${complaint})`;
}

export interface BootstrapVerdict {
  ok: boolean;
  /** One line: what is right, or every problem found separated by "; ". */
  summary: string;
}

/**
 * Judges the bootstrap folder from one `stat` run. The private key must be a non-empty file with mode 600 owned by
 * root, because sshd refuses (or should refuse) a host key others can read, and the `.pub` must sit next to it.
 */
export function judgeBootstrapFiles(dir: string, stat: { stdout: string; stderr: string }): BootstrapVerdict {
  const { key, pub } = bootstrapFilePaths(dir);
  const entries = parseStatLines(stat.stdout);
  const keyEntry = entries.find((e) => e.name === key);
  const pubEntry = entries.find((e) => e.name === pub);
  const problems: string[] = [];
  if (!keyEntry) {
    problems.push(whyAbsent(stat.stderr, key, HOST_KEY_NAME, dir));
  } else {
    if (keyEntry.mode !== '600') problems.push(`${HOST_KEY_NAME} has mode ${keyEntry.mode} instead of 600`);
    if (keyEntry.owner !== 'root')
      problems.push(`${HOST_KEY_NAME} is owned by ${keyEntry.owner} instead of root`);
    if (keyEntry.size === 0) problems.push(`${HOST_KEY_NAME} is empty`);
  }
  if (!pubEntry) problems.push(whyAbsent(stat.stderr, pub, `${HOST_KEY_NAME}.pub`, dir));
  if (problems.length > 0) return { ok: false, summary: problems.join('; ') };
  return {
    ok: true,
    summary: `${HOST_KEY_NAME}: mode 600, owner root, ${keyEntry?.size ?? 0} bytes; ${HOST_KEY_NAME}.pub present`,
  };
}
