/**
 * The viewer's controls: Fit / 100 % and the zoom read-out, the backdrop (checkerboard, white,
 * black, a custom colour), before/after, and, for an editable cut-out, the touch-up brush (move,
 * erase, restore, size, hardness, edge-aware), the one-click fixes (Add part / Remove part: a click
 * grows along the photo's edges, computed by the engine) with their "Working…" state, and undo / redo.
 */
import { FREE_WORDS } from '../prices';
import { useEditor, type Backdrop } from './editor-store';

interface Props {
  zoomPercent: number | null;
  fitted: boolean;
  onFit(): void;
  onActual(): void;
  /** Brush controls shown, and whether they work (off for privacy-mode / expired originals). */
  brush: 'on' | 'disabled' | 'hidden';
}

const BACKDROPS: { id: Backdrop; label: string }[] = [
  { id: 'checker', label: 'Checkerboard' },
  { id: 'white', label: 'White' },
  { id: 'black', label: 'Black' },
];

const PARTS = [
  {
    tool: 'add-part',
    label: 'Add part',
    title: `Click a part the cut-out missed: it grows along the photo's edges (${FREE_WORDS})`,
  },
  {
    tool: 'remove-part',
    label: 'Remove part',
    title: `Click a part that should go: it grows along the photo's edges (${FREE_WORDS})`,
  },
] as const;

/** A pointer with a plus (add) or a minus (remove): the click that makes the fix. */
function PartIcon({ add }: { add: boolean }) {
  return (
    <svg className="part-icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
      <path
        d="M2 2l5 12 1.6-4.4L13 8z"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.4"
        strokeLinejoin="round"
      />
      <path d={add ? 'M11 12h4M13 10v4' : 'M11 12h4'} stroke="currentColor" strokeWidth="1.6" />
    </svg>
  );
}

export function ViewerToolbar({ zoomPercent, fitted, onFit, onActual, brush }: Props) {
  const s = useEditor();
  const off = brush !== 'on';
  return (
    <div className="viewer-toolbar" role="toolbar" aria-label="Viewer" data-sync={s.sync}>
      <div className="tool-group" aria-label="Zoom">
        <button
          type="button"
          className={fitted ? 'active' : ''}
          onClick={onFit}
          title="Fit the whole image (0)"
          data-testid="zoom-fit"
        >
          Fit
        </button>
        <button
          type="button"
          onClick={onActual}
          title="One image pixel per screen pixel (1)"
          data-testid="zoom-100"
        >
          100 %
        </button>
        <span className="zoom-readout" data-testid="zoom-readout">
          {zoomPercent === null
            ? '—'
            : `${zoomPercent < 10 ? zoomPercent.toFixed(1) : Math.round(zoomPercent)} %`}
        </span>
      </div>
      <div className="tool-group" aria-label="Backdrop">
        {BACKDROPS.map((b) => (
          <button
            key={b.id}
            type="button"
            className={`swatch swatch-${b.id} ${s.backdrop === b.id ? 'active' : ''}`}
            title={`${b.label} backdrop`}
            aria-label={`${b.label} backdrop`}
            aria-pressed={s.backdrop === b.id}
            onClick={() => s.setBackdrop(b.id)}
          />
        ))}
        <label
          className={`swatch swatch-custom ${s.backdrop === 'custom' ? 'active' : ''}`}
          title="Custom backdrop colour"
          style={{ background: s.customBackdrop }}
        >
          <input
            type="color"
            aria-label="Custom backdrop colour"
            value={s.customBackdrop}
            onChange={(e) => s.setBackdrop('custom', e.target.value)}
          />
        </label>
      </div>
      <button
        type="button"
        className={s.showBefore ? 'active' : ''}
        aria-pressed={s.showBefore}
        onClick={() => s.setShowBefore(!s.showBefore)}
        title="Show the original (B)"
        data-testid="before-toggle"
      >
        Before
      </button>
      {brush !== 'hidden' && (
        <div className="tool-group brush-tools" aria-label="Touch-up brush">
          {(['move', 'erase', 'restore'] as const).map((t) => (
            <button
              key={t}
              type="button"
              className={s.tool === t ? 'active' : ''}
              aria-pressed={s.tool === t}
              disabled={off && t !== 'move'}
              onClick={() => s.setTool(t)}
              title={
                { move: 'Move and zoom (V)', erase: 'Erase background (E)', restore: 'Restore subject (R)' }[
                  t
                ]
              }
              data-testid={`tool-${t}`}
            >
              {{ move: 'Move', erase: 'Erase', restore: 'Restore' }[t]}
            </button>
          ))}
          {PARTS.map((p) => (
            <button
              key={p.tool}
              type="button"
              className={`part-tool ${s.tool === p.tool ? 'active' : ''}`}
              aria-pressed={s.tool === p.tool}
              disabled={off}
              onClick={() => s.setTool(p.tool)}
              title={p.title}
              data-testid={`tool-${p.tool}`}
            >
              <PartIcon add={p.tool === 'add-part'} />
              {p.label}
            </button>
          ))}
          <label className="tool-slider" title="Brush size in screen pixels ([ and ])">
            Size
            <input
              type="range"
              min={2}
              max={400}
              value={s.brushSize}
              disabled={off}
              onChange={(e) => s.setBrush({ brushSize: Number(e.target.value) })}
              data-testid="brush-size"
            />
          </label>
          <label className="tool-slider" title="Brush hardness">
            Hardness
            <input
              type="range"
              min={0}
              max={100}
              value={Math.round(s.hardness * 100)}
              disabled={off}
              onChange={(e) => s.setBrush({ hardness: Number(e.target.value) / 100 })}
              data-testid="brush-hardness"
            />
          </label>
          <label className="tool-check" title="Snap the stroke to the photo's edges">
            <input
              type="checkbox"
              checked={s.edgeAware}
              disabled={off}
              onChange={(e) => s.setBrush({ edgeAware: e.target.checked })}
              data-testid="brush-edge-aware"
            />
            Snap to edges
          </label>
          <button
            type="button"
            onClick={s.undo}
            disabled={off || s.history.done.length === 0}
            title="Undo (Ctrl/Cmd+Z)"
            data-testid="undo"
          >
            Undo
          </button>
          <button
            type="button"
            onClick={s.redo}
            disabled={off || s.history.undone.length === 0}
            title="Redo (Shift+Ctrl/Cmd+Z)"
            data-testid="redo"
          >
            Redo
          </button>
          {s.partWorking && (
            <span className="part-working" role="status" data-testid="part-working">
              Working…
            </span>
          )}
          {s.sync === 'error' && (
            <span className="sync-error" role="alert" data-testid="stroke-sync-error">
              Edits not saved: {s.syncError}
            </span>
          )}
        </div>
      )}
    </div>
  );
}
