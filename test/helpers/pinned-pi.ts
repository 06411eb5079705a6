import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { connectPinned, type ConnectPinnedOptions } from '../../src/firstboot/ssh/connect-pinned.js';
import type { PinnedSession } from '../../src/firstboot/ssh/pinned-session.js';
import { FirstbootSshError } from '../../src/firstboot/ssh/ssh-errors.js';
import { provisionImage } from '../../src/provision/provision-image.js';
import type { TaskContext } from '../../src/tasks/index.js';
import { buildSdImage } from '../fixtures/sd-image.js';
import { startTestSshd, type TestSshd } from '../fixtures/test-sshd.js';
import { catFile } from './debugfs-probe.js';
import { rejection } from './rejection.js';

export const PASSPHRASE = 'correct horse';

export function keygen(dir: string, name: string, passphrase = ''): string {
  const file = join(dir, name);
  // -a 2: few bcrypt rounds, so ssh2's JavaScript bcrypt decrypts the encrypted key quickly.
  const result = spawnSync('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-a',
    '2',
    '-N',
    passphrase,
    '-C',
    name,
    '-f',
    file,
  ]);
  if (result.status !== 0) throw new Error(result.stderr.toString());
  return file;
}

export function fingerprintOf(pubFile: string): string {
  return spawnSync('ssh-keygen', ['-lf', pubFile]).stdout.toString().split(' ')[1]!;
}

/** Provisions a fixture image (generated host key) exactly as the app does, then reads the key back with debugfs. */
async function provisionFixtureImage(dir: string): Promise<{
  privateKey: string;
  publicLine: string;
  fingerprint: string;
}> {
  const fixture = await buildSdImage(join(dir, 'source'));
  const ctx: TaskContext = {
    taskId: 'test',
    signal: new AbortController().signal,
    progress: () => {},
    log: () => {},
    redact: () => {},
    setOutcome: () => {},
    setResult: () => {},
  };
  const outcome = await provisionImage(
    ctx,
    {
      host: 'pi',
      dest: join(dir, 'pi.img'),
      sopsFile: null,
      overwrite: false,
      source: { kind: 'file', path: fixture.path, format: 'raw', sizeBytes: fixture.imageSize },
      wifi: null,
      wifiOrigin: null,
      hostKey: null,
      hostKeyOrigin: 'generated',
      sopsKeysFound: [],
      pinToUserKnownHosts: false,
      warnings: [],
    },
    { appKnownHosts: join(dir, 'known_hosts'), record: async () => {} },
  );
  const image = outcome.record.image;
  const offset = outcome.record.rootPartitionOffset;
  return {
    privateKey: catFile(image, offset, '/var/lib/bootstrap/ssh_host_ed25519_key').toString(),
    publicLine: catFile(image, offset, '/var/lib/bootstrap/ssh_host_ed25519_key.pub').toString().trim(),
    fingerprint: outcome.pin.fingerprint,
  };
}

/** A real sshd holding the host key read back out of a provisioned image, and the client keys it authorizes. */
export interface PinnedPi {
  dir: string;
  hostKey: string;
  pinnedKeyLine: string;
  pinnedFingerprint: string;
  pi: TestSshd;
  keys: Record<string, Buffer>;
  stop(): Promise<void>;
}

export async function startPinnedPi(prefix: string): Promise<PinnedPi> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const provisioned = await provisionFixtureImage(dir);
  const keys: Record<string, Buffer> = {};
  for (const name of ['client', 'stranger', 'agent-key']) keys[name] = await readFile(keygen(dir, name));
  keys.locked = await readFile(keygen(dir, 'locked', PASSPHRASE));
  const authorized = ['client', 'locked', 'agent-key'].map((name) =>
    readFile(join(dir, `${name}.pub`), 'utf8'),
  );
  const pi = await startTestSshd({
    hostKey: provisioned.privateKey,
    authorizedKeys: (await Promise.all(authorized)).join(''),
    files: [{ path: '/var/lib/bootstrap/marker', content: 'hello\n', mode: 0o640 }],
    commands: { systemctl: 'echo "stub systemctl $*"\nexit 3' },
  });
  await pi.ready;
  return {
    dir,
    hostKey: provisioned.privateKey,
    pinnedKeyLine: provisioned.publicLine,
    pinnedFingerprint: provisioned.fingerprint,
    pi,
    keys,
    async stop() {
      await pi.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Options for connectPinned to `target` as root with the authorized client key. */
export function pinnedOptions(
  target: PinnedPi,
  overrides: Partial<ConnectPinnedOptions> = {},
): ConnectPinnedOptions {
  return {
    host: target.pi.host,
    port: target.pi.port,
    username: 'root',
    pinnedKeyLine: target.pinnedKeyLine,
    auth: { privateKey: target.keys.client },
    readyTimeoutMs: 5_000,
    ...overrides,
  };
}

export async function trustedSession(
  target: PinnedPi,
  overrides: Partial<ConnectPinnedOptions> = {},
): Promise<PinnedSession> {
  const result = await connectPinned(pinnedOptions(target, overrides));
  if (result.kind !== 'trusted') throw new Error(`expected trusted, got ${result.kind}`);
  return result.session;
}

export async function sshRejection(promise: Promise<unknown>): Promise<FirstbootSshError> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(FirstbootSshError);
  return error as FirstbootSshError;
}
