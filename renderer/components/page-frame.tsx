import type { ReactNode } from 'react';
import type { PageEntry } from '../workflows/navigation.js';

/** Every workflow page: a landmark named by its heading, the one-line summary, optional actions on the right. */
export function PageFrame({
  page,
  className,
  note,
  actions,
  children,
}: {
  page: PageEntry;
  className?: string;
  /** Said after the summary, e.g. "Nothing is written until you confirm." */
  note?: string;
  actions?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section aria-labelledby={`page-title-${page.id}`} className={className ? `page ${className}` : 'page'}>
      <header className="page-header">
        <div>
          <h1 id={`page-title-${page.id}`} tabIndex={-1}>
            {page.label}
          </h1>
          <p className="page-summary">{note ? `${page.summary} ${note}` : page.summary}</p>
        </div>
        {actions}
      </header>
      {children}
    </section>
  );
}
