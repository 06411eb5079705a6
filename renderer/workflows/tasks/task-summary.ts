import type { TaskProgress, TaskSnapshot } from '../../../src/contract/index.js';
import { progressFacts } from '../../components/progress-facts.js';

/** "35% · 1.4 GB of 4.0 GB · Writing the card": the numbers first, as the line may be cut at its end. */
export function shortProgress(progress: TaskProgress | null): string {
  if (!progress) return 'Starting';
  const facts = progressFacts(progress, 0);
  return [facts.percent === null ? null : `${facts.percent}%`, facts.amount, facts.phase]
    .filter(Boolean)
    .join(' · ');
}

/** The one line the collapsed panel shows: the newest running task and how far it is, or that nothing runs. */
export function dockSummary(tasks: readonly TaskSnapshot[]): string {
  const running = tasks.filter((task) => !isFinished(task));
  const [first] = running;
  if (!first) return 'No tasks running';
  const more = running.length > 1 ? ` (and ${running.length - 1} more)` : '';
  return `${first.title} · ${shortProgress(first.progress)}${more}`;
}

export const isFinished = (task: TaskSnapshot) => task.state !== 'running' && task.state !== 'queued';
