import { useEffect } from 'react';
import { api, errorText, thumbUrl } from '../api/client';
import { useStore, type QueueItem, type QueueStatus } from '../store';
import { units } from '../prices';
import { clearQueueWithUndo, deleteFromQueue } from '../undo';
import { ExportResults } from './ExportResults';
import { Icon } from './icons';

function formatEta(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return 'estimating…';
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s left` : `${Math.floor(s / 60)} min ${s % 60} s left`;
}

const BADGES: Record<QueueStatus, string> = {
  uploading: 'Uploading',
  queued: 'Waiting',
  running: 'Working',
  done: 'Done',
  failed: 'Failed',
  skipped: 'Skipped',
  cancelled: 'Cancelled',
  'out-of-tokens': 'Out of tokens',
};

/**
 * Two dropped files called "IMG_0001.jpg" are told apart by their folders, or — when the browser did
 * not say where a file came from — by their order ("IMG_0001.jpg (2)"). A row that is a later step on
 * the same photo ("Candy look") is told apart by that, not by a number.
 */
function duplicateLabels(queue: QueueItem[]): Map<string, string> {
  const byName = new Map<string, QueueItem[]>();
  for (const q of queue) if (!q.kind) byName.set(q.name, [...(byName.get(q.name) ?? []), q]);
  const labels = new Map<string, string>();
  for (const same of byName.values()) {
    if (same.length < 2) continue;
    const folders = new Set(same.map((q) => q.folder));
    // Oldest first gets 1: the queue lists newest first.
    [...same]
      .reverse()
      .forEach((q, i) =>
        labels.set(q.key, q.folder && folders.size === same.length ? `· ${q.folder}` : `(${i + 1})`),
      );
  }
  return labels;
}

/** The Delete key while the focus is in the queue: Delete (with Undo) of the ticked photos or the one shown. */
function useDeleteKey(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Delete' || e.defaultPrevented) return;
      const target = e.target instanceof HTMLElement ? e.target : null;
      if (!target?.closest('.queue')) return;
      if (target instanceof HTMLInputElement && target.type !== 'checkbox') return;
      e.preventDefault();
      void deleteFromQueue();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

export function Queue() {
  const queue = useStore((s) => s.queue);
  const progress = useStore((s) => s.progress);
  const batchId = useStore((s) => s.batchId);
  const select = useStore((s) => s.select);
  const selectedId = useStore((s) => s.selectedItemId);
  const notify = useStore((s) => s.notify);
  const filter = useStore((s) => s.queueFilter);
  const setFilter = useStore((s) => s.setQueueFilter);
  const checked = useStore((s) => s.checked);
  const toggle = useStore((s) => s.toggleChecked);
  const estimate = useStore((s) => s.lastEstimate);
  const resume = useStore((s) => s.resumeBatch);
  useDeleteKey();
  if (queue.length === 0) return null;
  const running = progress && !progress.finished;
  const call = (fn: () => Promise<unknown>) => fn().catch((e: unknown) => notify('error', errorText(e)));
  const failedCount = queue.filter((q) => q.status === 'failed').length;
  const shown = filter === 'failed' ? queue.filter((q) => q.status === 'failed') : queue;
  const duplicates = duplicateLabels(queue);
  // "Export results" takes the ticked photos, or every finished one in the list.
  const finishedIds = [
    ...new Set(queue.flatMap((q) => (q.status === 'done' && q.item ? [q.item.versionOf ?? q.item.id] : []))),
  ];
  const stopped = [
    ...new Set(
      queue
        .filter((q) => (q.status === 'cancelled' || q.status === 'out-of-tokens') && q.batchId)
        .map((q) => q.batchId as string),
    ),
  ];

  return (
    <section className="queue" aria-label="Queue">
      <header className="queue-head">
        <div
          className="progress"
          role="progressbar"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round((progress?.fraction ?? 0) * 100)}
        >
          <div className="progress-bar" style={{ width: `${(progress?.fraction ?? 0) * 100}%` }} />
        </div>
        <span className="queue-status" data-testid="queue-status">
          {progress
            ? `${progress.done} done${progress.failed ? ` · ${progress.failed} failed` : ''} of ${progress.total}${running ? ` · ${progress.paused ? 'paused' : formatEta(progress.etaMs)}` : ''}`
            : queue.some((q) => q.status === 'queued')
              ? 'Starting…'
              : `${queue.length} ${queue.length === 1 ? 'photo' : 'photos'}`}
        </span>
        {estimate && (
          <span className="queue-status" data-testid="queue-cost" title="What the last batch costs">
            Cost: {units(estimate.balance !== null ? { kind: 'signed_in' } : null, estimate.tokens)}
          </span>
        )}
        {running && batchId && (
          <>
            <button
              className="icon-button"
              title={progress.paused ? 'Resume' : 'Pause'}
              onClick={() => call(() => api[progress.paused ? 'batch.resume' : 'batch.pause']({ batchId }))}
            >
              <Icon name={progress.paused ? 'play' : 'pause'} />
            </button>
            <button
              className="icon-button"
              title="Cancel"
              onClick={() => call(() => api['batch.cancel']({ batchId }))}
            >
              <Icon name="x" />
            </button>
          </>
        )}
        {!running &&
          stopped.map((b) => (
            <button
              key={b}
              className="button primary"
              onClick={() => void resume(b)}
              data-testid="queue-resume"
            >
              <Icon name="play" /> Resume
            </button>
          ))}
        {!running && progress && progress.failed > 0 && batchId && (
          <button className="button" onClick={() => call(() => api['batch.retryFailed']({ batchId }))}>
            Retry failed
          </button>
        )}
      </header>
      <div className="queue-tools">
        <div className="segmented small" role="tablist" aria-label="Show">
          <button
            role="tab"
            aria-selected={filter === 'all'}
            className={filter === 'all' ? 'active' : ''}
            onClick={() => setFilter('all')}
          >
            All {queue.length}
          </button>
          <button
            role="tab"
            aria-selected={filter === 'failed'}
            className={filter === 'failed' ? 'active' : ''}
            onClick={() => setFilter('failed')}
            data-testid="queue-filter-failed"
          >
            Failed {failedCount}
          </button>
        </div>
        <ExportResults
          count={checked.length || finishedIds.length}
          selection={() => ({ ids: checked.length ? checked : finishedIds })}
        />
        <button
          className="button"
          disabled={(checked.length === 0 && selectedId === null) || !!running}
          onClick={() => void deleteFromQueue()}
          title="Deletes the ticked photos (or the one shown) from History too; Undo brings them back"
          data-testid="queue-delete"
        >
          <Icon name="trash" /> Delete{checked.length ? ` ${checked.length}` : ''}
        </button>
        <button
          className="button"
          disabled={!!running}
          onClick={clearQueueWithUndo}
          title="Remove finished photos from this list (History keeps them)"
          data-testid="queue-clear"
        >
          Clear
        </button>
      </div>
      <ul className="queue-list">
        {shown.map((q) => {
          const rootId = q.item ? (q.item.versionOf ?? q.item.id) : undefined;
          return (
            <li
              key={q.key}
              className={`queue-item status-${q.status} ${rootId !== undefined && rootId === selectedId ? 'selected' : ''}`}
              data-testid="queue-item"
              data-status={q.status}
            >
              <input
                type="checkbox"
                className="queue-check"
                aria-label={`Select ${q.name}`}
                disabled={rootId === undefined}
                checked={rootId !== undefined && checked.includes(rootId)}
                onChange={() => rootId !== undefined && toggle(rootId)}
              />
              <button
                className="queue-item-button"
                disabled={!q.item}
                onClick={() => q.item && select(q.item)}
              >
                <span className="queue-thumb checker">
                  {q.item?.outputImageId ? <img src={thumbUrl(q.item.outputImageId)} alt="" /> : null}
                </span>
                <span className="queue-text">
                  <span className="queue-name">
                    {q.name}
                    {duplicates.has(q.key) && (
                      <span className="queue-folder" data-testid="queue-folder">
                        {' '}
                        {duplicates.get(q.key)}
                      </span>
                    )}
                    {q.kind && (
                      <span className="queue-folder" data-testid="queue-kind">
                        {' '}
                        · {q.kind}
                      </span>
                    )}
                  </span>
                  {q.status === 'failed' && q.error ? (
                    <span className="queue-detail">{q.error}</span>
                  ) : q.status === 'running' ? (
                    <span className="queue-detail">{q.stage ?? 'working'}…</span>
                  ) : q.status === 'done' && q.item?.versions ? (
                    <span className="queue-detail">{q.item.versions + 1} versions</span>
                  ) : null}
                </span>
                <span className={`status-badge badge-${q.status}`} data-testid="queue-badge">
                  {q.status === 'running' || q.status === 'uploading' ? (
                    <Icon name="spinner" size={12} />
                  ) : null}
                  {BADGES[q.status]}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
