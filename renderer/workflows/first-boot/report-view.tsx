import { useState } from 'react';
import type { DiscoveryAttempt, FirstBootReport } from '../../../src/contract/index.js';
import { clockTime, groupAttempts, VIA_TEXT } from './attempt-groups.js';
import { formatTarget } from './first-boot-state.js';

const STATUS_TEXT = { pass: 'Pass', fail: 'Fail', skipped: 'Skipped' } as const;

/** What the run found: where the Pi answered, what was tried, the key verdict, the login and each check. */
export function ReportView({ report }: { report: FirstBootReport }) {
  return (
    <div className="first-boot-report" data-stage={report.stage}>
      {report.found && (
        <p>
          Found at <code>{formatTarget(report.found)}</code> {VIA_TEXT[report.found.via]}
        </p>
      )}
      <AttemptsView attempts={report.attempts} open={!report.found} />
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

/** What discovery tried, identical attempts folded into one line each. */
function AttemptsView({ attempts, open }: { attempts: DiscoveryAttempt[]; open: boolean }) {
  const groups = groupAttempts(attempts);
  if (groups.length === 0) return null;
  return (
    <details open={open}>
      <summary>What was tried ({attempts.length})</summary>
      <ul className="attempts" aria-label="Discovery attempts">
        {groups.map((g) => (
          <li key={g.key}>
            <code>{g.target}</code> {VIA_TEXT[g.via]} — {g.outcome}
            {g.count > 1 && <span className="attempt-count"> ×{g.count}</span>}
            <span className="field-note">
              , {g.count > 1 ? 'last ' : ''}
              {clockTime(g.lastAt)}
            </span>
          </li>
        ))}
      </ul>
    </details>
  );
}

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
