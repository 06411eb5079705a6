import { useEffect, useRef, type ReactNode } from 'react';

/** A native modal `<dialog>`, open while mounted, with a title and a Close button; Escape closes it too. */
export function ModalDialog({
  label,
  title,
  className,
  onClose,
  children,
}: {
  /** The dialog's accessible name. */
  label: string;
  title: ReactNode;
  className?: string;
  onClose: () => void;
  children: ReactNode;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  return (
    <dialog ref={dialog} className={className} aria-label={label} onClose={onClose}>
      <header className="dialog-header">
        <h2>{title}</h2>
        <button type="button" onClick={() => dialog.current?.close()}>
          Close
        </button>
      </header>
      {children}
    </dialog>
  );
}
