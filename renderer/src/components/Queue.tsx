import { api, errorText, thumbUrl } from '../api/client';
import { useStore } from '../store';
import { Icon } from './icons';

function formatEta(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return 'estimating…';
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s left` : `${Math.floor(s / 60)} min ${s % 60} s left`;
}

export function Queue() {
  const queue = useStore((s) => s.queue);
  const progress = useStore((s) => s.progress);
  const batchId = useStore((s) => s.batchId);
  const select = useStore((s) => s.select);
  const selected = useStore((s) => s.selected);
  const notify = useStore((s) => s.notify);
  if (queue.length === 0) return null;
  const running = progress && !progress.finished;
  const call = (fn: () => Promise<unknown>) => fn().catch((e: unknown) => notify('error', errorText(e)));

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
            : 'Starting…'}
        </span>
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
        {!running && progress && progress.failed > 0 && batchId && (
          <button className="button" onClick={() => call(() => api['batch.retryFailed']({ batchId }))}>
            Retry failed
          </button>
        )}
      </header>
      <ul className="queue-list">
        {queue.map((q) => (
          <li
            key={q.key}
            className={`queue-item status-${q.status} ${selected && q.item?.id === selected.id ? 'selected' : ''}`}
            data-testid="queue-item"
            data-status={q.status}
          >
            <button className="queue-item-button" disabled={!q.item} onClick={() => q.item && select(q.item)}>
              <span className="queue-thumb checker">
                {q.item?.outputImageId ? <img src={thumbUrl(q.item.outputImageId)} alt="" /> : null}
              </span>
              <span className="queue-text">
                <span className="queue-name">{q.name}</span>
                <span className="queue-detail">
                  {q.status === 'failed'
                    ? q.error
                    : q.status === 'running'
                      ? `${q.stage ?? 'working'}…`
                      : q.status === 'done'
                        ? `done${q.item?.provider ? ` · ${q.item.provider.toUpperCase()}` : ''}`
                        : q.status}
                </span>
                {q.fallbackReason && (
                  <span className="queue-detail muted" title={q.fallbackReason}>
                    GPU not used: {q.fallbackReason}
                  </span>
                )}
              </span>
              <span className="queue-icon">
                {q.status === 'done' ? (
                  <Icon name="check" />
                ) : q.status === 'failed' ? (
                  <Icon name="alert" />
                ) : q.status === 'running' || q.status === 'uploading' ? (
                  <Icon name="spinner" />
                ) : null}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
