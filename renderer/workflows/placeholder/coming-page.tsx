import { PageFrame } from '../../components/page-frame.js';
import type { PageEntry } from '../navigation.js';

/** An honest empty page: what the workflow will do, and that it is not built yet. */
export function ComingPage({ page, details }: { page: PageEntry; details: string[] }) {
  return (
    <PageFrame page={page}>
      <div className="notice notice-info">
        <p>This workflow is not built yet. When it is, it will:</p>
        <ul>
          {details.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
        <p>Until then, the Doctor page shows whether this computer has the programs it will need.</p>
      </div>
    </PageFrame>
  );
}
