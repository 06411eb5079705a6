import type { FirstBootReport } from '../../../src/contract/index.js';
import { ActionError } from '../../components/action-error.js';
import { companion } from '../../lib/companion.js';
import { useAction } from '../../lib/use-action.js';
import { TerminalView } from '../terminal/terminal-view.js';
import { useTerminalRun } from '../terminal/use-terminal-run.js';

/** After a good first boot: the age recipient for .sops.yaml, `sops updatekeys`, and the first deploy. */
export function NextStepsView({ taskId, steps }: { taskId: string; steps: FirstBootReport['nextSteps'] }) {
  const { run: deploy, attach, start } = useTerminalRun();
  const action = useAction();
  const startDeploy = () =>
    action.run(() => start((size) => companion().firstBoot.deploy({ id: taskId, ...size })));

  return (
    <section aria-label="Next steps" className="next-steps">
      <h3>Next steps</h3>
      <ActionError action={action} />
      <ol>
        {steps.ageRecipient && (
          <li>
            Add the Pi as a recipient in <code>.sops.yaml</code>:
            <pre className="code-block" aria-label="Age recipient">
              {steps.ageRecipient}
            </pre>
            {steps.sopsUpdateKeys ? (
              <>
                then re-encrypt its secrets: <pre className="code-block">{steps.sopsUpdateKeys}</pre>
              </>
            ) : (
              <>
                then run <code>sops updatekeys</code> on each secrets file it should read.
              </>
            )}
          </li>
        )}
        <li>
          {steps.deploy ? (
            <>
              First deploy:
              <pre className="code-block" aria-label="Deploy command">
                {steps.deploy.display}
              </pre>
              {steps.deploy.warning && (
                <p className="notice notice-warning" role="status">
                  {steps.deploy.warning}
                </p>
              )}
              <button type="button" disabled={deploy.state === 'running'} onClick={startDeploy}>
                {deploy.state === 'running' ? 'Deploying…' : 'Deploy now'}
              </button>
              {deploy.state === 'running' && (
                <button
                  type="button"
                  className="button-quiet"
                  onClick={() => void companion().terminal.kill({ id: deploy.id })}
                >
                  Stop
                </button>
              )}
              {deploy.state === 'exited' && (
                <p
                  role="status"
                  className={`notice ${deploy.exitCode === 0 ? 'notice-info' : 'notice-warning'}`}
                >
                  {deploy.exitCode === 0
                    ? 'Deployed.'
                    : `nixos-rebuild exited with ${deploy.exitCode ?? 'a signal'}.`}
                </p>
              )}
            </>
          ) : (
            <>Set the host’s flake folder on the Provision page to deploy from here.</>
          )}
        </li>
      </ol>
      {steps.deploy && (
        <div className="terminal-box" hidden={deploy.state === 'idle'}>
          <TerminalView fontSize={13} onReady={attach} />
        </div>
      )}
    </section>
  );
}
