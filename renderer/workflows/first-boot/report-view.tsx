import { useState } from 'react';
import type { FirstBootReport } from '../../../src/contract/index.js';
import { describeBootTime, formatTarget } from './first-boot-state.js';

const STATUS_TEXT = { pass: 'Pass', fail: 'Fail', skipped: 'Skipped' } as const;

/** Where the run is: the time against the usual first boot, what was tried, the key verdict, each check. */
export function ReportView({ report, running }: { report: FirstBootReport; running: boolean }) {
  const recent = report.attempts.slice(-8);
  return (
    <div className="first-boot-report" data-stage={report.stage}>
      {running && (
        <p role="status" aria-live="polite">
          {report.waiting ?? stageText[report.stage]} · {describeBootTime(report.elapsedSeconds)}
        </p>
      )}
      {report.found && (
        <p>
          Found at <code>{formatTarget(report.found)}</code> (via {report.found.via})
        </p>
      )}
      {recent.length > 0 && (
        <details open={!report.found}>
          <summary>What was tried ({report.attempts.length})</summary>
          <ul className="attempts" aria-label="Discovery attempts">
            {recent.map((a, i) => (
              <li key={`${a.at}-${i}`}>
                {a.via} <code>{a.target}</code>: {a.result}
                {a.detail && ` — ${a.detail}`}
              </li>
            ))}
          </ul>
        </details>
      )}
      <TrustView trust={report.trust} />
      {report.login.ok && (
        <p>
          Logged in as <code>{report.login.user}</code> with your{' '}
          {report.login.method === 'agent' ? 'SSH agent' : 'key'}.
        </p>
      )}
      {report.checks.length > 0 && (
        <table className="files-table" aria-label="Checks">
          <thead>
            <tr>
              <th>Check</th>
              <th>Result</th>
              <th>Details</th>
            </tr>
          </thead>
          <tbody>
            {report.checks.map((check) => (
              <tr key={check.id} data-status={check.status}>
                <td>{check.name}</td>
                <td>
                  <span
                    className={`badge badge-${check.status === 'pass' ? 'ok' : check.status === 'fail' ? 'failed' : 'cancelled'}`}
                  >
                    {STATUS_TEXT[check.status]}
                  </span>
                </td>
                <td>
                  {check.summary}
                  {check.output.trim() && (
                    <details open={check.status === 'fail'}>
                      <summary>Output</summary>
                      <pre className="code-block">{check.output}</pre>
                    </details>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

const stageText: Record<FirstBootReport['stage'], string> = {
  finding: 'Looking for the Pi',
  verifying: 'Checking its host key',
  'logging-in': 'Logging in',
  checking: 'Running checks',
  done: 'Done',
};

function TrustView({ trust }: { trust: FirstBootReport['trust'] }) {
  const [showBoth, setShowBoth] = useState(false);
  switch (trust.status) {
    case 'not-reached':
      return null;
    case 'match':
      return (
        <p className="notice notice-info" role="status" data-trust="match">
          This is your Pi: its host key is the one pinned when the image was provisioned (
          <code>{trust.presentedFingerprint}</code>).
        </p>
      );
    case 'unpinned':
      return (
        <div className="notice notice-warning" role="status" data-trust="unpinned">
          <p>
            This host has no pinned key. It presented <code>{trust.presentedFingerprint}</code>.
          </p>
          <p className="notice-hint">
            Trust it only if it matches what the Pi itself shows:{' '}
            <code>ssh-keygen -lf /var/lib/bootstrap/ssh_host_ed25519_key.pub</code>
          </p>
        </div>
      );
    case 'mismatch':
      return (
        <div className="notice notice-error" role="alert" data-trust="mismatch">
          <p className="notice-message">
            <strong>Host key mismatch — this is not the Pi you provisioned. Nothing was sent to it.</strong>
          </p>
          <p>{trust.explanation}</p>
          <button type="button" className="button-quiet" onClick={() => setShowBoth((v) => !v)}>
            {showBoth ? 'Hide fingerprints' : 'Show both fingerprints'}
          </button>
          {showBoth && (
            <dl className="plan">
              <dt>Pinned</dt>
              <dd>
                <code>{trust.pinnedFingerprint}</code>
              </dd>
              <dt>Presented</dt>
              <dd>
                <code>{trust.presentedFingerprint}</code>
              </dd>
            </dl>
          )}
        </div>
      );
  }
}
