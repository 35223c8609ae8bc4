import { useRef, useState, type PointerEvent, type WheelEvent } from 'react';
import type { HistoryItem } from '../../../electron/engine/api/contract';
import { imageUrl } from '../api/client';

/**
 * Before/after with a draggable divider, zoom (wheel, +/-/0) and pan (drag), over a checkerboard.
 * Parents key it by item id, so zoom and pan start fresh for each item.
 */
export function Viewer({ item }: { item: HistoryItem | null }) {
  const [split, setSplit] = useState(50);
  const [zoom, setZoom] = useState(1);
  const [pan, setPan] = useState({ x: 0, y: 0 });
  const drag = useRef<{ x: number; y: number } | null>(null);
  const frame = useRef<HTMLDivElement>(null);

  if (!item) {
    return (
      <div className="viewer empty">
        <p>Results appear here. Drop photos to start, or open one from History.</p>
      </div>
    );
  }
  if (!item.outputImageId) {
    return (
      <div className="viewer empty">
        <p>
          {item.outputExpired
            ? 'This result expired (outputs are kept 7 days unless pinned). Regenerate it from History.'
            : (item.error ?? 'No output.')}
        </p>
      </div>
    );
  }
  const onWheel = (e: WheelEvent) =>
    setZoom((z) => Math.min(8, Math.max(0.25, z * (e.deltaY < 0 ? 1.1 : 1 / 1.1))));
  const onPointerDown = (e: PointerEvent) => {
    if ((e.target as HTMLElement).classList.contains('split-handle')) return;
    drag.current = { x: e.clientX - pan.x, y: e.clientY - pan.y };
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
  };
  const onPointerMove = (e: PointerEvent) => {
    if (drag.current) setPan({ x: e.clientX - drag.current.x, y: e.clientY - drag.current.y });
  };
  const transform = `translate(${pan.x}px, ${pan.y}px) scale(${zoom})`;
  return (
    <div
      className="viewer"
      ref={frame}
      tabIndex={0}
      aria-label="Before and after"
      onWheel={onWheel}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={() => (drag.current = null)}
      onKeyDown={(e) => {
        if (e.key === '+' || e.key === '=') setZoom((z) => Math.min(8, z * 1.25));
        if (e.key === '-') setZoom((z) => Math.max(0.25, z / 1.25));
        if (e.key === '0') {
          setZoom(1);
          setPan({ x: 0, y: 0 });
        }
        if (e.key === 'ArrowLeft') setSplit((s) => Math.max(0, s - 5));
        if (e.key === 'ArrowRight') setSplit((s) => Math.min(100, s + 5));
      }}
      data-testid="viewer"
    >
      <div className="viewer-stage checker" style={{ transform }}>
        <img className="viewer-after" src={imageUrl(item.outputImageId)} alt="Result" draggable={false} />
        {item.inputImageId && (
          <img
            className="viewer-before"
            src={imageUrl(item.inputImageId)}
            alt="Original"
            draggable={false}
            style={{ clipPath: `inset(0 ${100 - split}% 0 0)` }}
          />
        )}
      </div>
      {item.inputImageId && (
        <input
          className="split-handle"
          type="range"
          min={0}
          max={100}
          value={split}
          aria-label="Compare original and result"
          onChange={(e) => setSplit(Number(e.target.value))}
          data-testid="compare-slider"
        />
      )}
      <div className="viewer-badges">
        <span className="badge">Original</span>
        <span className="badge">{Math.round(zoom * 100)}%</span>
        <span className="badge">Result</span>
      </div>
    </div>
  );
}
