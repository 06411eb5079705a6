import type { HostCheck } from '../../contract/firstboot.js';
import { quoteShort } from './cap-text.js';

const MAX_COMMAND_CHARS = 80;

/** A command as one short line: whitespace runs (incl. newlines) collapsed, long ones cut with "…". */
function oneLine(command: string): string {
  const flat = command.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_COMMAND_CHARS ? `${flat.slice(0, MAX_COMMAND_CHARS - 1)}…` : flat;
}

/**
 * One line saying what a profile check does, for the wizard and the CLI, e.g.
 * "runs `upsc -l` on the Pi, expects exit 0 and output containing "ups"".
 */
export function describeCheck(check: HostCheck): string {
  switch (check.kind) {
    case 'command': {
      const output =
        check.expectOutput === null ? '' : ` and output containing ${quoteShort(check.expectOutput)}`;
      return `runs \`${oneLine(check.command)}\` on the Pi, expects exit ${check.expectExit}${output}`;
    }
    case 'http': {
      const from = check.from === 'pi' ? 'from the Pi' : 'from this machine';
      const body = check.expectBody === null ? '' : ` and a body containing ${quoteShort(check.expectBody)}`;
      return `GET ${check.url} ${from}, expects HTTP ${check.expectStatus}${body}`;
    }
    default:
      return assertNever(check);
  }
}

function assertNever(value: never): never {
  throw new Error(`Unknown check kind: ${JSON.stringify(value)}`);
}
