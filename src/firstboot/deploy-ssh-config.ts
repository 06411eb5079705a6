import { lstat, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomically } from '../store/index.js';
import { FirstBootError } from './first-boot-errors.js';

/** ssh_config quoting: double quotes around anything with a space (macOS's "Application Support"). */
const quoted = (value: string) => (/[\s"]/.test(value) ? `"${value.replaceAll('"', '\\"')}"` : value);

/**
 * The ssh config the first deploy runs with: the Pi's address gets its port and the app's known_hosts with strict
 * checking, so nixos-rebuild's ssh trusts exactly the pinned key; every other host (a build host) falls through to
 * the user's own config and known_hosts. `-F` skips the default files, so they are included explicitly.
 */
export function deploySshConfig(target: { address: string; port: number }, knownHostsFile: string): string {
  return [
    '# Written by Pi & Backup Companion for one deploy; safe to delete.',
    `Host ${target.address}`,
    `  Port ${target.port}`,
    `  UserKnownHostsFile ${quoted(knownHostsFile)}`,
    '  StrictHostKeyChecking yes',
    // Only the pinned key counts: no system-wide known_hosts, no helper program, and no keys the server offers later.
    '  GlobalKnownHostsFile /dev/null',
    '  KnownHostsCommand none',
    '  UpdateHostKeys no',
    'Match all',
    '  Include ~/.ssh/config',
    '  Include /etc/ssh/ssh_config',
    '',
  ].join('\n');
}

/**
 * Writes that config where its path has no whitespace (NIX_SSHOPTS is split on spaces, quotes and all): a private
 * folder under the temp dir, checked to be ours and not a link, since the temp dir is shared.
 */
export async function writeDeploySshConfig(
  host: string,
  target: { address: string; port: number },
  knownHostsFile: string,
  base = tmpdir(),
): Promise<string> {
  const uid = process.getuid?.() ?? 0;
  const dir = join(base, `companion-${uid}`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await lstat(dir);
  if (!info.isDirectory() || info.uid !== uid || (info.mode & 0o077) !== 0 || /\s/.test(dir)) {
    throw new FirstBootError(
      'firstboot-unsafe-temp',
      `${dir} is not a private folder of yours, so the deploy's ssh settings are not written there.`,
      `Remove ${dir} (someone else may have created it) and run the first boot again.`,
    );
  }
  const file = join(dir, `${host}.ssh_config`);
  await writeFileAtomically(file, deploySshConfig(target, knownHostsFile), 0o600);
  return file;
}
