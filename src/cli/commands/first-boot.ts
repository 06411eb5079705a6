import { type Command, InvalidArgumentError } from 'commander';
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  taskResultOf,
  type CompanionEvent,
  type FirstBootReport,
  type FirstBootRequest,
  type TaskSnapshot,
} from '../../contract/index.js';
import { whyUnreadable } from '../../errors.js';
import { FOUND_VIA, formatAddressPort } from '../../firstboot/index.js';
import { CliError } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';
import { wantsJson } from '../options.js';
import type { CliSession } from '../session.js';
import { runTaskWithProgress, taskFailure } from '../task-progress.js';
import { silentProgressView } from '../progress-views.js';
import { createFirstBootLive } from './first-boot-live.js';

interface FirstBootOptions {
  address?: string;
  timeout: number;
  trust?: string;
  identity?: string;
}

const IDENTITY_HINT =
  'pass --identity <file> with the private key the Pi accepts (e.g. ~/.ssh/id_ed25519, not the .pub)';

/** The command line's hint for login errors whose own hint speaks of choosing a key file in the app. */
const LOGIN_HINTS: Record<string, string> = {
  'firstboot-key-unreadable': `Check the key file, or ${IDENTITY_HINT}.`,
  'firstboot-key-invalid': `Use an OpenSSH private key: ${IDENTITY_HINT}.`,
  'firstboot-no-agent': `Start your SSH agent and add your key (ssh-add), or ${IDENTITY_HINT}.`,
};

/** The key file given with --identity, as an absolute path; refused before any waiting when it cannot be read. */
async function identityFile(file: string): Promise<string> {
  const path = resolve(file);
  const why = await access(path, constants.R_OK)
    .then(async () => ((await stat(path)).isFile() ? null : 'is not a file'))
    .catch((error: unknown) => whyUnreadable(error));
  if (why)
    throw new CliError(
      `The SSH key ${file} ${why}.`,
      `Pass --identity the host's SSH private key file (e.g. ~/.ssh/id_ed25519, not the .pub).`,
      ExitCode.usage,
    );
  return path;
}

/** The failure of a run, with a hint in the command line's words where the core's speaks of the app. */
function firstBootFailure(task: TaskSnapshot): CliError | null {
  const failure = taskFailure(task);
  const hint = task.error ? LOGIN_HINTS[task.error.code] : undefined;
  if (!failure || !hint) return failure;
  return new CliError(failure.message, hint, failure.exitCode, { notes: failure.notes });
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 5 || n > 3600)
    throw new InvalidArgumentError('use whole seconds, 5 to 3600');
  return n;
}

const mark = { pass: 'PASS', fail: 'FAIL', skipped: 'SKIP' } as const;

/** The report as text: where it was found, the key verdict, each check with its output when it failed. */
export function formatFirstBootReport(report: FirstBootReport): string {
  const lines: string[] = [];
  if (report.found) lines.push(`found     ${formatAddressPort(report.found)} ${FOUND_VIA[report.found.via]}`);
  lines.push(
    `host key  ${report.trust.status}${report.trust.presentedFingerprint ? ` ${report.trust.presentedFingerprint}` : ''}`,
  );
  if (report.trust.status === 'mismatch')
    lines.push(`pinned    ${report.trust.pinnedFingerprint}`, report.trust.explanation ?? '');
  if (report.login.ok) lines.push(`login     ${report.login.user} (${report.login.method})`);
  for (const check of report.checks) {
    lines.push(`${mark[check.status]}  ${check.name}: ${check.summary}`);
    if (check.status === 'fail' && check.output.trim())
      lines.push(check.output.trim().replace(/^/gm, '      '));
  }
  const next = report.nextSteps;
  if (report.passed) {
    if (next.ageRecipient) lines.push('', `age recipient for .sops.yaml: ${next.ageRecipient}`);
    if (next.sopsUpdateKeys) lines.push(`then re-encrypt: ${next.sopsUpdateKeys}`);
    if (next.deploy) lines.push(`first deploy: ${next.deploy.display}`);
    if (next.deploy?.warning) lines.push(`note: ${next.deploy.warning}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `companion first-boot`: find the Pi, prove its host key, run its checks; exit 0 only when all of that held. */
export function registerFirstBootCommand(program: Command, session: CliSession): void {
  program
    .command('first-boot')
    .description(
      "find a freshly flashed Pi, check its SSH host key against the pin, log in and run the host's checks",
    )
    .argument('<host>', 'the host profile (as provisioned)')
    .option('--address <host[:port]>', 'an address to try besides <host>.local and DNS')
    .option(
      '--timeout <seconds>',
      'how long to wait for the Pi to answer on SSH (checks have their own limits)',
      seconds,
      900,
    )
    .option(
      '--trust <fingerprint>',
      'for a host with no pinned key: trust the key only if it has this SHA256 fingerprint',
    )
    .option(
      '--identity <file>',
      "the SSH private key to log in with for this run (else the host's key file, then your SSH agent)",
    )
    .option('--json', 'print the whole report as JSON')
    .action(async (host: string, options: FirstBootOptions, command: Command) => {
      const json = wantsJson(command);
      const identity = options.identity ? await identityFile(options.identity) : undefined;
      const request = {
        host,
        timeoutSeconds: options.timeout,
        ...(options.address ? { address: options.address } : {}),
        ...(identity ? { identityFile: identity } : {}),
      };
      const run = (trustPresentedKey?: string) =>
        runOnce(session, { ...request, ...(trustPresentedKey ? { trustPresentedKey } : {}) }, json);
      let { task, report } = await run();
      const presented = report?.trust.presentedKeyLine;
      if (report?.trust.status === 'unpinned' && options.trust && presented) {
        if (report.trust.presentedFingerprint !== options.trust) {
          throw new CliError(
            `${host} presented ${report.trust.presentedFingerprint}, not ${options.trust}; it was not trusted.`,
            'Compare the fingerprint on the Pi itself (ssh-keygen -lf /var/lib/bootstrap/ssh_host_ed25519_key.pub).',
            ExitCode.failed,
          );
        }
        ({ task, report } = await run(presented));
      }
      if (json && report) session.printJson(report);
      else if (report) session.io.out(formatFirstBootReport(report));
      const failure = firstBootFailure(task);
      if (failure) throw failure;
    });
}

/** One run, followed to its end; progress and warnings on stderr while it runs (the results are the report). */
async function runOnce(session: CliSession, request: FirstBootRequest, json: boolean) {
  const core = await session.core();
  let taskId: string | null = null;
  const live = createFirstBootLive((text) => session.io.err(text));
  // What the run says before its id is known (the first wait, a keychain warning) is shown once it is.
  const early: CompanionEvent[] = [];
  const show = (event: CompanionEvent) => {
    if (event.type === 'task.log' && event.taskId === taskId) live.log(event.line);
    if (event.type === 'task.detail' && event.id === taskId) {
      const report = taskResultOf('first-boot', event);
      if (report) live.report(report);
    }
  };
  const unsubscribe = core.events.subscribe((event) => {
    if (json) return;
    if (taskId === null) early.push(event);
    else show(event);
  });
  try {
    const task = await runTaskWithProgress(
      core,
      async () => {
        taskId = (await session.call('firstBoot.start', request)).id;
        early.splice(0).forEach(show);
        return taskId;
      },
      {
        view: silentProgressView,
        onCancelRequested: () => session.io.err('Cancelling… (press Ctrl-C again to stop waiting)\n'),
      },
    );
    const report = taskResultOf('first-boot', await session.call('tasks.result', { id: task.id }));
    return { task, report };
  } finally {
    unsubscribe();
  }
}
