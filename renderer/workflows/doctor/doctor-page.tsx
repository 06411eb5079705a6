import type { DoctorReport, ToolStatus } from '../../../src/contract/index.js';
import { ErrorNotice } from '../../components/error-notice.js';
import { companion } from '../../lib/companion.js';
import { useLoad } from '../../lib/use-load.js';
import { PageFrame } from '../../components/page-frame.js';
import type { PageEntry } from '../navigation.js';

export function DoctorPage({ page }: { page: PageEntry }) {
  const [report, reload] = useLoad<DoctorReport>(() => companion().doctor.run({}));
  return (
    <PageFrame
      page={page}
      actions={
        <button type="button" onClick={reload} disabled={report.state === 'loading'}>
          Check again
        </button>
      }
    >
      {report.state === 'loading' && <p aria-live="polite">Looking for tools…</p>}
      {report.state === 'failed' && <ErrorNotice error={report.error} />}
      {report.state === 'loaded' && <DoctorTable report={report.value} />}
    </PageFrame>
  );
}

function DoctorTable({ report }: { report: DoctorReport }) {
  const missing = report.tools.filter((tool) => !tool.found).length;
  const problems = report.tools.filter((tool) => tool.found && tool.problem).length;
  return (
    <>
      <p className="doctor-summary" aria-live="polite">
        {report.tools.length - missing} of {report.tools.length} tools found
        {missing > 0 && `, ${missing} missing`}
        {problems > 0 && `, ${problems} with problems`}
        {report.packageManager && ` · install with ${report.packageManager}`}
      </p>
      <table className="doctor-table">
        <thead>
          <tr>
            <th scope="col">Tool</th>
            <th scope="col">Status</th>
            <th scope="col">Version</th>
            <th scope="col">Used for</th>
            <th scope="col">Where / how to get it</th>
          </tr>
        </thead>
        <tbody>
          {report.tools.map((tool) => (
            <ToolRow key={tool.id} tool={tool} />
          ))}
        </tbody>
      </table>
    </>
  );
}

function ToolRow({ tool }: { tool: ToolStatus }) {
  const status = !tool.found ? 'missing' : tool.problem ? 'problem' : 'ok';
  return (
    <tr data-tool={tool.id} data-status={status}>
      <th scope="row" title={tool.purpose}>
        {tool.name}
      </th>
      <td>
        <span className={`badge badge-${status}`}>
          {status === 'ok' ? 'Found' : status === 'missing' ? 'Missing' : 'Problem'}
        </span>
      </td>
      <td className="tool-version">{tool.version ?? '—'}</td>
      <td>{tool.requiredFor.join(', ')}</td>
      <td>
        {tool.found && <code className="tool-path">{tool.path}</code>}
        {tool.problem && <p className="tool-problem">{tool.problem}</p>}
        {(!tool.found || tool.problem) && (
          <p className="tool-hint">
            <code>{tool.installHint}</code>
          </p>
        )}
      </td>
    </tr>
  );
}
