import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * A real mDNS round trip — responder and resolver on 224.0.0.251:5353, as on a LAN — inside a fresh network namespace
 * (`unshare --net`) that holds nothing but `lo`, so the test never talks to the real network. Multicast works on `lo`
 * there without an extra route: with no other interface, multicast-dns joins the group on 127.0.0.1 and sends there.
 * Needs root (a new network namespace) and util-linux `unshare`.
 */
const REPO = path.resolve(import.meta.dirname, '../..');
const runs = (tool: string, ...args: string[]) => spawnSync(tool, args, { stdio: 'ignore' }).status === 0;
const canIsolate = process.getuid?.() === 0 && runs('unshare', '--version') && runs('ip', '-V');

// Runs in the namespace: our resolver and findHost against a multicast-dns responder playing the Pi.
const CHILD = `
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import makeMdns from 'multicast-dns';
import { mdnsResolve } from ${JSON.stringify(`${REPO}/src/firstboot/discovery/mdns-resolve.ts`)};
import { findHost } from ${JSON.stringify(`${REPO}/src/firstboot/discovery/find-host.ts`)};

execFileSync('ip', ['link', 'set', 'lo', 'up']);
const out = { interfaces: Object.keys(networkInterfaces()) };
const responder = makeMdns();
responder.on('query', (query) => {
  if (!query.questions.some((q) => q.name.toLowerCase() === 'testpi.local')) return;
  responder.respond({
    answers: [
      { name: 'other.local', type: 'A', ttl: 120, data: '10.9.9.9' },
      { name: 'testpi.local', type: 'A', ttl: 120, flush: true, data: '127.0.0.1' },
    ],
  });
});
await new Promise((resolve) => responder.once('ready', resolve));

let started = Date.now();
out.found = await mdnsResolve('TestPi.local', { timeoutMs: 3000 });
out.foundMs = Date.now() - started;
started = Date.now();
out.absent = await mdnsResolve('absent.local', { timeoutMs: 600 });
out.absentMs = Date.now() - started;

const ssh = createServer((socket) => socket.destroy());
await new Promise((resolve) => ssh.listen(0, '127.0.0.1', resolve));
const { attempts, ...host } = await findHost({ hostName: 'testpi', port: ssh.address().port, timeoutMs: 10000 });
out.host = { ...host, probedPort: ssh.address().port };
out.attempts = attempts.map((a) => a.via + ' ' + a.target + ' ' + a.result);

await new Promise((resolve) => responder.destroy(resolve));
await new Promise((resolve) => ssh.close(resolve));
await new Promise((resolve) => setTimeout(resolve, 50));
// Whatever is still open now was leaked by our code (the responder and the server are closed).
out.leftover = process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap' || r === 'TCPWrap');
process.stdout.write(JSON.stringify(out));
`;

let dir: string;
let script: string;

beforeAll(async () => {
  if (!canIsolate) return;
  dir = await mkdtemp(path.join(tmpdir(), 'firstboot-discovery-'));
  script = path.join(dir, 'child.mjs');
  await build({
    stdin: { contents: CHILD, resolveDir: REPO, loader: 'ts', sourcefile: 'child.ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: script,
    logLevel: 'silent',
    // multicast-dns is CommonJS and calls require('dgram'): give the ESM bundle a require.
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  });
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!canIsolate)('first-boot discovery over real mDNS (isolated network namespace)', () => {
  it('resolves testpi.local and finds the host by it, without leaking sockets', async () => {
    const { stdout } = await promisify(execFile)('unshare', ['--net', process.execPath, script], {
      timeout: 30_000,
    });
    const out = JSON.parse(stdout) as {
      interfaces: string[];
      found: string[];
      foundMs: number;
      absent: string[];
      absentMs: number;
      host: { address: string; port: number; via: string; probedPort: number };
      attempts: string[];
      leftover: string[];
    };
    expect(out.interfaces).toEqual(['lo']); // really isolated: no LAN interface to leak onto
    expect(out.found).toEqual(['127.0.0.1']);
    expect(out.foundMs).toBeLessThan(2000); // stopped ~300 ms after the answer, not at the 3 s timeout
    expect(out.absent).toEqual([]);
    expect(out.absentMs).toBeGreaterThanOrEqual(590);
    expect(out.host).toEqual({
      address: '127.0.0.1',
      port: out.host.probedPort,
      via: 'mdns',
      probedPort: out.host.probedPort,
    });
    expect(out.attempts).toContain('mdns testpi.local resolved');
    expect(out.attempts).toContain(`mdns 127.0.0.1:${out.host.probedPort} open`);
    expect(out.leftover).toEqual([]);
  });
});
