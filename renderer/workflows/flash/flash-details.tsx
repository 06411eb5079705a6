import { useState } from 'react';
import type { FlashResult, LogLine, TaskSnapshot } from '../../../src/contract/index.js';
import { call, companion } from '../../lib/companion.js';
import { formatBytes, formatDuration } from '../../lib/format.js';

/** Folded away under the result: per-card lines, the image's hash, the timings and the task's log. */
export function FlashDetails({ task, result }: { task: TaskSnapshot; result: FlashResult | null }) {
  const [log, setLog] = useState<LogLine[] | null>(null);
  const loadLog = (open: boolean) => {
    if (!open || log) return;
    call(companion().tasks.log({ id: task.id }))
      .then(setLog)
      .catch(() => setLog([]));
  };
  return (
    <details className="run-details" onToggle={(e) => loadLog((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>Details</summary>
      <dl className="plan">
        {task.subject?.source && (
          <>
            <dt>Image</dt>
            <dd>
              <code>{task.subject.source}</code>
            </dd>
          </>
        )}
        {result && (
          <>
            <dt>SHA-256 of the image</dt>
            <dd>
              <code data-testid="source-sha256">{result.sourceSha256}</code>
            </dd>
            <dt>Time</dt>
            <dd>
              writing {formatDuration(result.writeSeconds)}
              {result.verified && <>, reading back {formatDuration(result.verifySeconds)}</>}
            </dd>
          </>
        )}
        {result?.devices.map((card) => (
          <CardLine key={card.device} card={card} />
        ))}
      </dl>
      {task.outcome && (
        <ul className="outcome-lines" aria-label="Per card">
          {task.outcome.split('\n').map((line, i) => (
            <li key={i}>{line}</li>
          ))}
        </ul>
      )}
      {log && (
        <pre className="code-block" tabIndex={0} aria-label="Task log">
          {log.map((line) => `${line.at.slice(11, 19)} ${line.message}`).join('\n')}
        </pre>
      )}
    </details>
  );
}

function CardLine({ card }: { card: FlashResult['devices'][number] }) {
  return (
    <>
      <dt>{card.device}</dt>
      <dd>
        {card.ok
          ? `${formatBytes(card.bytesWritten)} written${card.verified ? ', verified' : ''}`
          : `failed: ${card.error?.message ?? 'no result'}`}
      </dd>
    </>
  );
}
