/**
 * How far a full-resolution render or brush save has gone, with a way to stop it (the Cancel button or
 * Escape): shown only for work that takes a while, so quick edits do not flash a bar.
 */
import { useEffect, useState } from 'react';
import { useEditProgress } from './edit-progress';

/** Work shorter than this shows nothing. */
const SHOW_AFTER_MS = 400;

const LABELS = { render: 'Rendering full size…', strokes: 'Saving brush edits…' } as const;

export function EditProgressBar() {
  const running = useEditProgress((s) => s.running);
  const cancel = useEditProgress((s) => s.cancel);
  const key = running ? `${running.id}:${running.action}` : null;
  // The work (by key) that has run long enough to show.
  const [shownKey, setShownKey] = useState<string | null>(null);

  useEffect(() => {
    if (!key) return;
    const timer = setTimeout(() => setShownKey(key), SHOW_AFTER_MS);
    // Escape stops the work whether or not the bar is shown yet.
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        useEditProgress.getState().cancel();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => {
      clearTimeout(timer);
      window.removeEventListener('keydown', onKey);
    };
  }, [key]);

  if (!running || shownKey !== key) return null;
  const percent = Math.round(running.fraction * 100);
  return (
    <div className="edit-progress" role="status" data-testid="edit-progress">
      <span className="edit-progress-label">{running.stopping ? 'Stopping…' : LABELS[running.action]}</span>
      <div
        className="progress"
        role="progressbar"
        aria-label={LABELS[running.action]}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
      >
        <div className="progress-bar" style={{ width: `${percent}%` }} />
      </div>
      <button
        type="button"
        className="button"
        onClick={cancel}
        disabled={running.stopping}
        title="Stop (Esc): the item stays as it was"
        data-testid="edit-cancel"
      >
        Cancel
      </button>
    </div>
  );
}
