import { useEffect, useRef, useState } from 'react';
import { exportResults, type ResultsSelection } from '../deliverables';
import { useStore } from '../store';
import { Icon } from './icons';

/**
 * The "Export results" button of the queue and of History. In the desktop app it offers a ZIP or a
 * folder; in a browser, which cannot write into a folder, it downloads the ZIP at once.
 */
export function ExportResults({
  selection,
  count,
  disabled,
}: {
  selection: () => ResultsSelection;
  count: number;
  disabled?: boolean;
}) {
  const inElectron = useStore((s) => s.info?.host === 'electron');
  const [open, setOpen] = useState(false);
  const menu = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => {
      if (!menu.current?.contains(e.target as Node)) setOpen(false);
    };
    window.addEventListener('mousedown', close);
    return () => window.removeEventListener('mousedown', close);
  }, [open]);
  const label = `Export ${count} ${count === 1 ? 'result' : 'results'}`;
  const title = 'The finished images, each named after its photo';
  if (!inElectron)
    return (
      <button
        className="button"
        disabled={disabled || count === 0}
        title={`${title} (a ZIP download)`}
        data-testid="export-results"
        onClick={() => void exportResults(selection(), 'zip')}
      >
        <Icon name="download" /> {label}
      </button>
    );
  return (
    <div className="export-results" ref={menu}>
      <button
        className="button"
        disabled={disabled || count === 0}
        title={title}
        aria-haspopup="menu"
        aria-expanded={open}
        data-testid="export-results"
        onClick={() => setOpen((o) => !o)}
      >
        <Icon name="download" /> {label}…
      </button>
      {open && (
        <div className="export-menu" role="menu">
          <button
            role="menuitem"
            onClick={() => {
              setOpen(false);
              void exportResults(selection(), 'zip');
            }}
          >
            As a ZIP file…
          </button>
          <button
            role="menuitem"
            onClick={() => {
              setOpen(false);
              void exportResults(selection(), 'folder');
            }}
          >
            Into a folder…
          </button>
        </div>
      )}
    </div>
  );
}
