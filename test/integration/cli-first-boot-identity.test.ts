// `companion first-boot --identity FILE` against a real sshd holding the provisioned host key: the key file for one
// run, checked before any waiting, never saved into the profile; and each result line printed once. Runs as root
// (sshd, mount namespaces), as CI does.
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core.js';
import { clientKey, provisionPi, startPi, type ProvisionedPi } from '../fixtures/provisioned-pi.js';
import type { TestSshd } from '../fixtures/test-sshd.js';
import { tempCore, type TempCore } from '../helpers/temp-core.js';

const BUNDLE = join(process.cwd(), 'dist', 'cli', 'companion.cjs');
let temp: TempCore | undefined;
let core: Core;
let pi: ProvisionedPi;
let client: { file: string; publicLine: string };
const running: TestSshd[] = [];

beforeAll(async () => {
  temp = await tempCore('cli-first-boot-identity-');
  core = temp.core;
  pi = await provisionPi(core, temp.dir);
  client = await clientKey(temp.dir);
  // No key file in the profile: only --identity (or an agent, which these runs do not have) can log in.
  const profile = core.hosts.get('pi')!;
  await core.hosts.save({
    name: 'pi',
    flakeDir: '/srv/infra',
    imagePath: profile.imagePath,
    sopsFile: null,
    wifiCountry: null,
    access: { identityFile: null, address: null },
    checks: [],
  });
}, 120_000);

afterEach(async () => {
  await Promise.all(running.splice(0).map((sshd) => sshd.stop()));
});

afterAll(() => temp?.dispose());

function companion(args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, COMPANION_HOME: temp!.dataDir };
    delete env.SSH_AUTH_SOCK;
    delete env.COMPANION_DEBUG;
    const child = spawn(process.execPath, [BUNDLE, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function sshd(): Promise<TestSshd> {
  const started = await startPi(pi, client.publicLine);
  running.push(started);
  await started.ready;
  return started;
}

const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

describe('companion first-boot --identity', () => {
  it('without a key or an agent, says to pass --identity', async () => {
    const { port } = await sshd();
    const run = await companion(['first-boot', 'pi', '--address', `127.0.0.1:${port}`, '--timeout', '10']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: There is no way to log in/m);
    expect(run.stderr).toMatch(/^hint: .*pass --identity <file>/m);
  });

  it('refuses a key file that is not there before any waiting (exit 2)', async () => {
    const missing = join(temp!.dir, 'no-such-key');
    const run = await companion(['first-boot', 'pi', '--identity', missing, '--timeout', '900']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`error: The SSH key ${missing} does not exist.`);
    expect(run.stderr).toMatch(/^hint: Pass --identity the host's SSH private key file/m);
    const folder = await companion(['first-boot', 'pi', '--identity', temp!.dir]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toMatch(/is not a file\./);
  });

  it('logs in with the given key for this run only, printing each result line once', async () => {
    const { port } = await sshd();
    const run = await companion([
      'first-boot',
      'pi',
      '--address',
      `127.0.0.1:${port}`,
      '--timeout',
      '30',
      '--identity',
      client.file,
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^login {5}root \(key\)$/m);
    expect(run.stdout).toMatch(/^PASS {2}Bootstrap key is in place/m);
    // Results on stdout, progress on stderr: no line on both.
    const results = new Set(lines(run.stdout));
    expect(lines(run.stderr).filter((line) => results.has(line))).toEqual([]);
    expect(run.stderr).not.toMatch(/^(PASS|FAIL|Found |Host key matches)/m);
    expect(run.stderr).toMatch(/^… Waiting for the Pi to answer on SSH/m);
    // The key was for this run: the saved profile does not name it.
    const saved = await readdir(temp!.dataDir).then((names) =>
      Promise.all(
        names.filter((n) => n.endsWith('.json')).map((n) => readFile(join(temp!.dataDir, n), 'utf8')),
      ),
    );
    expect(saved.join('\n')).not.toContain(client.file);
  });
});
