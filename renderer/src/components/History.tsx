import { useCallback, useEffect, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { HistoryItem, OperationName } from '../../../electron/engine/api/contract';
import { api, errorText, thumbUrl } from '../api/client';
import { useStore } from '../store';
import { deleteWithUndo } from '../undo';
import { ExportResults } from './ExportResults';
import { Icon } from './icons';
import { Viewer } from './Viewer';
import { resultKind, versionLabel } from '../labels';

const TILE = 180;

export function History() {
  const [items, setItems] = useState<HistoryItem[]>([]);
  const [total, setTotal] = useState(0);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [filters, setFilters] = useState<{
    operation?: OperationName;
    status?: 'done' | 'failed';
    text?: string;
  }>({});
  const [selected, setSelected] = useState<HistoryItem | null>(null);
  const [ticked, setTicked] = useState<number[]>([]);
  const [versions, setVersions] = useState<HistoryItem[]>([]);
  const notify = useStore((s) => s.notify);
  const openItem = useStore((s) => s.openItem);
  const info = useStore((s) => s.info);
  const version = useStore((s) => s.historyVersion);
  const scroller = useRef<HTMLDivElement>(null);
  const [columns, setColumns] = useState(4);

  const load = useCallback(
    async (from: string | null) => {
      setLoading(true);
      try {
        const page = await api['history.list']({
          ...filters,
          ...(filters.text ? {} : { text: undefined }),
          cursor: from,
          limit: 60,
        });
        setItems((prev) => (from ? [...prev, ...page.items] : page.items));
        setCursor(page.nextCursor);
        setTotal(page.total);
      } catch (error) {
        notify('error', errorText(error));
      } finally {
        setLoading(false);
      }
    },
    [filters, notify],
  );

  useEffect(() => {
    void load(null);
  }, [load, version]);

  // The selected item's versions (re-renders of one cut-out are one item with versions).
  const rootId = selected ? (selected.versionOf ?? selected.id) : null;
  const versionCount = selected?.versions ?? 0;
  useEffect(() => {
    if (rootId === null || versionCount === 0) return setVersions([]);
    let live = true;
    api['history.versions']({ id: rootId })
      .then((r) => live && setVersions(r.items))
      .catch(() => live && setVersions([]));
    return () => {
      live = false;
    };
  }, [rootId, versionCount]);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setColumns(Math.max(1, Math.floor(el.clientWidth / TILE))));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const rows = Math.ceil(items.length / columns);
  const virtualizer = useVirtualizer({
    count: rows,
    getScrollElement: () => scroller.current,
    estimateSize: () => TILE,
    overscan: 3,
  });
  const virtualRows = virtualizer.getVirtualItems();
  const last = virtualRows[virtualRows.length - 1];
  useEffect(() => {
    if (last && last.index >= rows - 2 && cursor && !loading) void load(cursor);
  }, [last, rows, cursor, loading, load]);

  const act = async (fn: () => Promise<unknown>, message?: string) => {
    try {
      await fn();
      if (message) notify('info', message);
      await load(null);
    } catch (error) {
      notify('error', errorText(error));
    }
  };

  return (
    <div className="history">
      <div className="toolbar">
        <input
          type="search"
          placeholder="Search file names"
          aria-label="Search file names"
          value={filters.text ?? ''}
          onChange={(e) => setFilters((f) => ({ ...f, text: e.target.value || undefined }))}
        />
        <select
          aria-label="Operation"
          value={filters.operation ?? ''}
          onChange={(e) =>
            setFilters((f) => ({
              ...f,
              operation: (e.target.value || undefined) as OperationName | undefined,
            }))
          }
        >
          <option value="">All operations</option>
          <option value="cutout">Cut out</option>
          <option value="background">New background</option>
          <option value="stylize">Stylize</option>
          <option value="compose">Reference</option>
        </select>
        <select
          aria-label="Status"
          value={filters.status ?? ''}
          onChange={(e) =>
            setFilters((f) => ({
              ...f,
              status: (e.target.value || undefined) as 'done' | 'failed' | undefined,
            }))
          }
        >
          <option value="">Any status</option>
          <option value="done">Done</option>
          <option value="failed">Failed</option>
        </select>
        {/* Busy until the list has loaded: "0 items" before the first page is not a count. */}
        <span className="toolbar-count" data-testid="history-count" aria-busy={loading}>
          {total} {total === 1 ? 'item' : 'items'}
        </span>
        <ExportResults
          count={ticked.length || total}
          selection={() =>
            ticked.length
              ? { ids: ticked }
              : { query: { ...filters, ...(filters.text ? {} : { text: undefined }) } }
          }
        />
      </div>
      <div className="history-body">
        <div className="grid-scroller" ref={scroller} data-testid="history-grid">
          {!loading && items.length === 0 ? (
            <div className="empty-state">
              <Icon name="history" size={32} />
              <p>
                No generations yet. Everything you make in the Studio is kept here for 7 days (pinned items
                forever).
              </p>
            </div>
          ) : (
            <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
              {virtualRows.map((row) => (
                <div
                  key={row.key}
                  className="grid-row"
                  style={{ transform: `translateY(${row.start}px)`, height: TILE }}
                >
                  {items.slice(row.index * columns, row.index * columns + columns).map((item) => (
                    <div key={item.id} className="tile-wrap">
                      <input
                        type="checkbox"
                        className="tile-check"
                        aria-label={`Select ${item.inputName ?? `#${item.id}`}`}
                        checked={ticked.includes(item.id)}
                        onChange={() =>
                          setTicked((t) =>
                            t.includes(item.id) ? t.filter((i) => i !== item.id) : [...t, item.id],
                          )
                        }
                      />
                      <button
                        className={`tile ${selected?.id === item.id ? 'selected' : ''} status-${item.status}`}
                        onClick={() => setSelected(item)}
                        data-testid="history-tile"
                        aria-label={`${item.inputName ?? 'image'}, ${resultKind(item, info?.models)}`}
                        title={`${item.inputName ?? 'image'} · ${resultKind(item, info?.models)}`}
                      >
                        <span className="tile-image checker">
                          {(item.latestOutputImageId ?? item.outputImageId) ? (
                            <img
                              loading="lazy"
                              src={thumbUrl((item.latestOutputImageId ?? item.outputImageId)!)}
                              alt=""
                            />
                          ) : (
                            <Icon name="alert" />
                          )}
                        </span>
                        <span className="tile-caption">
                          {item.pinned && <Icon name="pin" size={12} />}{' '}
                          <span className="tile-name">{item.inputName ?? `#${item.id}`}</span>
                          {item.versions > 0 && (
                            <span className="tile-versions" data-testid="tile-versions">
                              {item.versions + 1} versions
                            </span>
                          )}
                        </span>
                      </button>
                    </div>
                  ))}
                </div>
              ))}
            </div>
          )}
        </div>
        <aside className="detail" aria-label="Item">
          {selected ? (
            <>
              <Viewer key={selected.id} item={selected} />
              <dl className="meta">
                <dt>Result</dt>
                <dd data-testid="history-kind">{resultKind(selected, info?.models)}</dd>
                <dt>Model</dt>
                <dd>{selected.model ?? '—'}</dd>
                <dt>Ran on</dt>
                <dd title={selected.provider ?? undefined}>
                  {/* Plain words; the provider's technical name is the tooltip. */}
                  {selected.provider === 'cpu' ? 'CPU' : selected.provider ? 'Graphics card' : '—'}
                </dd>
                <dt>Original</dt>
                <dd data-testid="original-kept">
                  {selected.privacyMode
                    ? 'not kept (privacy mode)'
                    : selected.inputImageId
                      ? 'kept'
                      : 'not kept'}
                </dd>
                <dt>Created</dt>
                <dd>{new Date(selected.createdAt).toLocaleString()}</dd>
                <dt>Expires</dt>
                <dd>
                  {selected.pinned
                    ? 'never (pinned)'
                    : selected.expiresAt
                      ? new Date(selected.expiresAt).toLocaleDateString()
                      : '—'}
                </dd>
                {selected.error && (
                  <>
                    <dt>Error</dt>
                    <dd>{selected.error}</dd>
                  </>
                )}
              </dl>
              {versions.length > 1 && (
                <div className="versions" data-testid="versions" aria-label="Versions">
                  {versions[0]?.inputImageId ? (
                    <span
                      className="version photo"
                      title="The photo as it was dropped"
                      data-testid="version-photo"
                    >
                      <span className="checker">
                        <img src={thumbUrl(versions[0].inputImageId)} alt="" />
                      </span>
                      {versionLabel(0)}
                    </span>
                  ) : null}
                  {versions.map((v, i) => (
                    <button
                      key={v.id}
                      className={`version ${v.id === selected.id ? 'selected' : ''}`}
                      onClick={() => setSelected(v)}
                      title={`${versionLabel(i + 1)} · ${new Date(v.createdAt).toLocaleString()} · ${v.tokensSpent ? `${v.tokensSpent} token` : 'free'}`}
                      data-testid="version"
                    >
                      <span className="checker">
                        {v.outputImageId ? <img src={thumbUrl(v.outputImageId)} alt="" /> : null}
                      </span>
                      {versionLabel(i + 1)}
                    </button>
                  ))}
                </div>
              )}
              <div className="actions">
                <button
                  className="button primary"
                  disabled={!selected.canRerender}
                  title={
                    selected.rerenderBlockedReason
                      ? `Cannot regenerate: ${selected.rerenderBlockedReason}`
                      : 'Opens this item with its own settings in the Studio: composition changes are free, model changes cost a token'
                  }
                  onClick={() =>
                    // A root with versions opens as its latest version: what the designer last saved.
                    openItem(
                      selected.id === rootId && versions.length > 1
                        ? versions[versions.length - 1]!
                        : selected,
                    )
                  }
                >
                  <Icon name="refresh" /> Regenerate…
                </button>
                <button
                  className="button"
                  onClick={() =>
                    act(async () =>
                      setSelected(await api['history.pin']({ id: selected.id, pinned: !selected.pinned })),
                    )
                  }
                >
                  <Icon name="pin" /> {selected.pinned ? 'Unpin' : 'Pin'}
                </button>
                <button
                  className="button danger"
                  data-testid="history-delete"
                  onClick={() =>
                    act(async () => {
                      // With Undo: a toast puts it back (the list reloads either way).
                      if (await deleteWithUndo([selected.id], selected.inputName ?? 'the item'))
                        setSelected(null);
                    })
                  }
                >
                  <Icon name="trash" /> Delete
                </button>
              </div>
            </>
          ) : (
            <div className="empty-state small">
              <p>Select an item to compare, regenerate, pin or delete it.</p>
            </div>
          )}
        </aside>
      </div>
    </div>
  );
}
