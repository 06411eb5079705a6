import { type Command, InvalidArgumentError } from 'commander';
import { taskResultOf, type FirstBootReport } from '../../contract/index.js';
import { formatAddressPort } from '../../firstboot/index.js';
import { CliError } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';
import { wantsJson } from '../options.js';
import type { CliSession } from '../session.js';
import { runTaskWithProgress, taskFailure } from '../task-progress.js';
import { silentProgressView } from '../progress-views.js';

interface FirstBootOptions {
  address?: string;
  timeout: number;
  trust?: string;
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
  if (report.found) lines.push(`found     ${formatAddressPort(report.found)} via ${report.found.via}`);
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
    .option('--json', 'print the whole report as JSON')
    .action(async (host: string, options: FirstBootOptions, command: Command) => {
      const json = wantsJson(command);
      const core = await session.core();
      const run = async (trustPresentedKey?: string) => {
        let taskId: string | null = null;
        const unsubscribe = core.events.subscribe((event) => {
          if (!json && event.type === 'task.log' && event.taskId === taskId)
            session.io.err(`${event.line.message}\n`);
        });
        try {
          const task = await runTaskWithProgress(
            core,
            async () => {
              const { id } = await session.call('firstBoot.start', {
                host,
                timeoutSeconds: options.timeout,
                ...(options.address ? { address: options.address } : {}),
                ...(trustPresentedKey ? { trustPresentedKey } : {}),
              });
              taskId = id;
              return id;
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
      };
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
      const failure = taskFailure(task);
      if (failure) throw failure;
    });
}
