import type { DeviceWriteResult, Drive, HostProfile } from '../../contract/index.js';
import { hasCode } from '../../errors.js';
import type { TaskContext } from '../../tasks/index.js';
import type { FlashErrorCode } from '../flash-errors.js';
import { checkBootstrapFilesOnCard, findProvisionFor } from './check-bootstrap-files.js';
import { ejectDrive } from './eject-drive.js';
import { findProvisionOnCard } from './find-provision-on-card.js';

export interface WrittenCard {
  drive: Drive;
  card: DeviceWriteResult | undefined;
}

export interface FinishCardsOptions {
  cards: readonly WrittenCard[];
  sourceSha256: string;
  imagePath: string;
  eject: boolean;
  hosts: readonly HostProfile[];
  ctx: TaskContext;
}

/**
 * Per card: re-checks the bootstrap files of a good one and ejects it; returns one outcome sentence per card and
 * whether each (by device) was ejected.
 */
export async function finishCards(
  options: FinishCardsOptions,
): Promise<{ lines: string[]; ejected: Map<string, 'yes' | 'no' | 'off'> }> {
  const { cards, ctx } = options;
  const lines: string[] = [];
  const ejectedBy = new Map<string, 'yes' | 'no' | 'off'>();
  for (const { drive, card } of cards) {
    if (!card?.ok) {
      lines.push(`${drive.device} FAILED: ${card?.error?.message ?? 'no result'}`);
      continue;
    }
    const done = [
      `${drive.device} holds the image (${card.bytesWritten} bytes, sha256 ${options.sourceSha256})` +
        (card.verified ? ', verified by reading it back' : '; verification was skipped'),
    ];
    ctx.setOutcome([...lines, `${done[0]}.`].join('\n'));
    done.push(await recheckBootstrapFiles(drive.device, card.verified, options));
    if (options.eject) {
      const ejected = await ejectDrive(drive, { log: (line, level) => ctx.log(line, level) });
      ejectedBy.set(drive.device, ejected ? 'yes' : 'no');
      done.push(ejected ? 'ejected — you can remove the card' : 'not ejected: eject it before removing it');
    } else {
      ejectedBy.set(drive.device, 'off');
      done.push('left attached (eject was turned off)');
    }
    lines.push(`${done.filter(Boolean).join('; ')}.`);
  }
  return { lines, ejected: ejectedBy };
}

/**
 * When the flashed image is a host's provisioned one, re-reads its bootstrap files from the card. A mismatch fails
 * the task; a card this user cannot read is only a warning (first boot checks the pinned key anyway). Returns the
 * outcome clause, '' when there was nothing to check.
 */
async function recheckBootstrapFiles(
  device: string,
  verified: boolean,
  { hosts, imagePath, sourceSha256, ctx }: FinishCardsOptions,
): Promise<string> {
  // By path first; a renamed or copied image is recognised by the host key it put on the card (read only when
  // the card was verified: an unverified card's files say nothing).
  const match =
    findProvisionFor(hosts, { imagePath, sourceSha256 }) ??
    (verified ? await findProvisionOnCard(device, hosts, ctx.signal) : null);
  if (!match) {
    ctx.log('The image is not one this app provisioned: no bootstrap files to re-check.');
    return '';
  }
  if (!verified) {
    ctx.log(`Bootstrap files of ${match.host} not re-checked: verification was turned off.`, 'warn');
    return 'bootstrap files not re-checked';
  }
  ctx.log(`Re-checking the bootstrap files of ${match.host} on the card…`);
  try {
    const files = await checkBootstrapFilesOnCard({ device, record: match.record, signal: ctx.signal });
    for (const f of files)
      ctx.log(`  ${f.path}: mode 0${f.mode.toString(8)}, owner ${f.uid}:${f.gid}, as provisioned`);
    ctx.log(`Bootstrap files re-checked on the card (${files.length} files).`);
    return `bootstrap files re-checked (${files.length} files)`;
  } catch (error) {
    if (!hasCode<FlashErrorCode>(error, 'flash-bootstrap-unreadable')) {
      if (hasCode<FlashErrorCode>(error, 'flash-bootstrap-mismatch'))
        ctx.setOutcome(
          `${device} holds an image whose bootstrap files are not as provisioned: do not boot it.`,
        );
      throw error;
    }
    ctx.log(`${error.message} ${error.hint}`, 'warn');
    return 'bootstrap files not re-checked (card not readable)';
  }
}
