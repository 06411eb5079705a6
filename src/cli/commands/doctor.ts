import type { Command } from 'commander';
import type { DoctorReport, ToolStatus } from '../../contract/index.js';
import { CliError } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';
import { renderTable } from '../format/table.js';
import { wantsJson } from '../options.js';
import type { CliSession } from '../session.js';

/** `companion doctor`: which external tools this machine has, and how to get the missing ones. */
export function registerDoctorCommand(program: Command, session: CliSession): void {
  program
    .command('doctor')
    .description(
      'check the external tools the app needs (debugfs, borg, ssh, …) and how to install missing ones',
    )
    .option('--json', 'print the report as JSON')
    .action(async (_options, command: Command) => {
      const report = await session.call('doctor.run', {});
      if (wantsJson(command)) session.printJson(report);
      else session.io.out(formatDoctorReport(report));
      const unusable = report.tools.filter((tool) => !isUsable(tool));
      if (unusable.length > 0) {
        throw new CliError(
          `${unusable.length} of ${report.tools.length} tools missing or unusable: ${unusable.map((t) => t.name).join(', ')}.`,
          'Install them as shown above (or in the JSON installHint), then run "companion doctor" again.',
          ExitCode.environment,
        );
      }
    });
}

function isUsable(tool: ToolStatus): boolean {
  return tool.found && tool.problem === null;
}

/** The doctor table, with install hints and the features that need each missing tool under its row. */
export function formatDoctorReport(report: DoctorReport): string {
  const rows = report.tools.map((tool) => [
    !tool.found ? '✘' : tool.problem ? '!' : '✔',
    tool.name,
    tool.version ?? '-',
    tool.path ?? 'not found',
  ]);
  const [header = '', ...lines] = renderTable(['', 'TOOL', 'VERSION', 'PATH'], rows);
  const out = [
    `Platform: ${report.platform}${report.packageManager ? ` (${report.packageManager})` : ''}`,
    '',
    header,
  ];
  report.tools.forEach((tool, index) => {
    out.push(lines[index] ?? '');
    if (tool.problem) out.push(`     problem: ${tool.problem}`);
    if (!isUsable(tool)) {
      // A found tool that does not work needs fixing (start its service, upgrade it), not installing.
      out.push(`     ${tool.found ? 'fix' : 'install'}: ${tool.installHint}`);
      if (tool.requiredFor.length > 0) out.push(`     needed for: ${tool.requiredFor.join(', ')}`);
    }
  });
  return `${out.join('\n')}\n`;
}
