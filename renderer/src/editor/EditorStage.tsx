/**
 * The viewer's stage: the picture (the live preview on a canvas, or a stored image), zoomed and
 * panned (wheel, drag with the move tool, space-drag or the middle button at any time), over the
 * chosen backdrop, with the before/after divider and, when a brush is active, painting on the
 * display-size mask with a cursor showing the brush's size.
 */
import {
  useCallback,
  useEffect,
  useImperativeHandle,
  useLayoutEffect,
  useRef,
  useState,
  type PointerEvent as ReactPointerEvent,
} from 'react';
import { isPartTool, useEditor } from './editor-store';
import { MAX_PART_POINTS } from '../../../electron/engine/api/contract';
import type { EditorSession, Preview } from './session';
import type { Box } from '../../../electron/engine/compose/core';
import {
  actualSize,
  fitView,
  panBy,
  percent,
  toImage,
  wheelFactor,
  zoomTo,
  type Size,
  type View,
} from './viewport';

export type StageContent =
  | { kind: 'preview'; preview: Preview; version: number; session: EditorSession | null; brush: boolean }
  | { kind: 'image'; src: string; before: string | null };

export interface StageHandle {
  fit(): void;
  actual(): void;
  zoom(factor: number): void;
}

interface Props {
  content: StageContent;
  split: number;
  onView(view: View, dpr: number): void;
  handle: React.Ref<StageHandle>;
  onStroke(): void;
  /**
   * A stroke was started while the original is shown ("Before", or the compare divider open): it is
   * refused — painting on a picture you cannot see edits the mask blind — and the viewer switches back.
   */
  onPaintRefused?(): void;
}

const dprNow = () => window.devicePixelRatio || 1;

/** The seed a part click makes, in screen pixels whatever the zoom: a fingertip, not the brush. */
const PART_SEED_PX = 14;

/** A scribble thinned to the part stroke's point limit (every k-th point, the last one kept). */
function thin(points: [number, number][]): [number, number][] {
  if (points.length <= MAX_PART_POINTS) return points;
  const step = Math.ceil(points.length / (MAX_PART_POINTS - 1));
  const kept = points.filter((_, i) => i % step === 0);
  kept.push(points[points.length - 1]!);
  return kept;
}

function draw(
  canvas: HTMLCanvasElement | null,
  image: { data: Uint8ClampedArray; width: number; height: number } | null,
  box?: Box,
): void {
  // A frame handed back to the preview worker (a newer one replaced it) has no pixels here any more.
  if (!canvas || !image || image.data.length !== image.width * image.height * 4) return;
  if (canvas.width !== image.width || canvas.height !== image.height) {
    canvas.width = image.width;
    canvas.height = image.height;
    box = undefined;
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const data = new ImageData(image.data as Uint8ClampedArray<ArrayBuffer>, image.width, image.height);
  if (box) ctx.putImageData(data, 0, 0, box.x, box.y, box.width, box.height);
  else ctx.putImageData(data, 0, 0);
}

export function EditorStage({ content, split, onView, handle, onStroke, onPaintRefused }: Props) {
  const frame = useRef<HTMLDivElement>(null);
  const after = useRef<HTMLCanvasElement>(null);
  const before = useRef<HTMLCanvasElement>(null);
  const [frameSize, setFrameSize] = useState<Size>({ width: 0, height: 0 });
  const [natural, setNatural] = useState<Size | null>(null);
  // null = Fit (recomputed from the frame and picture sizes); otherwise where the user zoomed to.
  const [userView, setView] = useState<View | null>(null);
  const [cursor, setCursor] = useState<{ x: number; y: number } | null>(null);
  const [spaceHeld, setSpaceHeld] = useState(false);
  const drag = useRef<{ kind: 'pan' | 'paint'; x: number; y: number; id: number } | null>(null);
  // A one-click fix being made: its points (image pixels) and seed size, sent when the pointer lifts.
  const part = useRef<{ points: [number, number][]; size: number } | null>(null);
  const tool = useEditor((s) => s.tool);
  const brushSize = useEditor((s) => s.brushSize);
  const showBefore = useEditor((s) => s.showBefore);
  const backdrop = useEditor((s) => s.backdrop);
  const customBackdrop = useEditor((s) => s.customBackdrop);

  // The picture's size in image pixels: the full-res render the preview stands for, or the file's.
  const size: Size | null =
    content.kind === 'preview'
      ? { width: content.preview.outputWidth, height: content.preview.outputHeight }
      : natural;

  useLayoutEffect(() => {
    const el = frame.current;
    if (!el) return;
    const observe = new ResizeObserver(() =>
      setFrameSize({ width: el.clientWidth, height: el.clientHeight }),
    );
    observe.observe(el);
    setFrameSize({ width: el.clientWidth, height: el.clientHeight });
    return () => observe.disconnect();
  }, []);

  const view: View | null = userView ?? (size && frameSize.width > 0 ? fitView(frameSize, size) : null);

  useEffect(() => {
    if (view) onView(view, dprNow());
  }, [view?.scale, view?.x, view?.y, view?.mode, onView]); // eslint-disable-line react-hooks/exhaustive-deps

  useImperativeHandle(handle, () => ({
    fit: () => setView(null),
    actual: () => view && setView(actualSize(view, frameSize, dprNow())),
    zoom: (factor) =>
      view &&
      setView(
        zoomTo(view, view.scale * factor, { x: frameSize.width / 2, y: frameSize.height / 2 }, dprNow()),
      ),
  }));

  // Draw the preview (whole) when it changes.
  const preview = content.kind === 'preview' ? content.preview : null;
  const version = content.kind === 'preview' ? content.version : 0;
  useEffect(() => {
    draw(after.current, preview?.image ?? null);
    draw(before.current, preview?.before ?? null);
  }, [preview, version]);

  // Space held = pan, whatever the tool (as in Photoshop).
  useEffect(() => {
    const down = (e: KeyboardEvent) => {
      if (e.code === 'Space' && !(e.target instanceof HTMLInputElement)) {
        setSpaceHeld(true);
        if (e.target === document.body || frame.current?.contains(e.target as Node)) e.preventDefault();
      }
    };
    const up = (e: KeyboardEvent) => e.code === 'Space' && setSpaceHeld(false);
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
    };
  }, []);

  const viewRef = useRef<View | null>(null);
  useEffect(() => {
    viewRef.current = view;
  });

  // Wheel zoom about the cursor (a native listener: React's wheel listener is passive).
  useEffect(() => {
    const el = frame.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const r = el.getBoundingClientRect();
      const at = { x: e.clientX - r.left, y: e.clientY - r.top };
      const v = viewRef.current;
      if (v) setView(zoomTo(v, v.scale * wheelFactor(e.deltaY), at, dprNow()));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, []);

  const painting = content.kind === 'preview' && content.brush && content.session !== null && tool !== 'move';
  const local = (e: { clientX: number; clientY: number }) => {
    const r = frame.current!.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };

  const paintAt = useCallback(
    (points: [number, number][], first: boolean) => {
      if (content.kind !== 'preview' || !content.session || !view) return;
      const s = useEditor.getState();
      if (isPartTool(s.tool)) {
        // Computed by the engine only: nothing is painted here, the engine's mask follows.
        if (first) part.current = { points: [], size: Math.max(1, PART_SEED_PX / view.scale) };
        part.current?.points.push(...points);
        return;
      }
      const box = first
        ? content.session.beginStroke({
            mode: s.tool === 'restore' ? 'restore' : 'erase',
            edgeAware: s.edgeAware,
            hardness: s.hardness,
            size: Math.max(1, s.brushSize / view.scale),
            points,
          })
        : content.session.extendStroke(points);
      if (box) draw(after.current, content.session.preview?.image ?? null, box);
    },
    [content, view],
  );

  const onPointerDown = (e: ReactPointerEvent) => {
    if (!view) return;
    const target = e.target as HTMLElement;
    if (target.classList.contains('split-handle')) return;
    frame.current?.focus({ preventScroll: true });
    const p = local(e);
    const pan = e.button === 1 || spaceHeld || !painting;
    if (e.button !== 0 && e.button !== 1) return;
    if (!pan && (showBefore || split > 0)) {
      e.preventDefault();
      onPaintRefused?.();
      return;
    }
    e.preventDefault();
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
    drag.current = { kind: pan ? 'pan' : 'paint', x: p.x, y: p.y, id: e.pointerId };
    if (!pan) paintAt([toImage(view, p)], true);
  };

  const onPointerMove = (e: ReactPointerEvent) => {
    const p = local(e);
    setCursor(p);
    const d = drag.current;
    if (!d || !view || d.id !== e.pointerId) return;
    if (d.kind === 'pan') {
      setView(panBy(view, p.x - d.x, p.y - d.y));
      drag.current = { ...d, x: p.x, y: p.y };
      return;
    }
    const events = (e.nativeEvent.getCoalescedEvents?.() ?? []) as PointerEvent[];
    const points = (events.length ? events : [e.nativeEvent]).map((ev) => toImage(view, local(ev)));
    paintAt(points, false);
  };

  const onPointerUp = (e: ReactPointerEvent) => {
    const d = drag.current;
    if (!d || d.id !== e.pointerId) return;
    drag.current = null;
    const clicked = part.current;
    part.current = null;
    if (d.kind === 'paint' && clicked && clicked.points.length > 0) {
      const tool = useEditor.getState().tool;
      if (isPartTool(tool)) {
        useEditor.getState().addStroke({
          mode: tool,
          edgeAware: false,
          hardness: 1,
          size: clicked.size,
          points: thin(clicked.points),
        });
        onStroke();
      }
      return;
    }
    if (d.kind === 'paint' && content.kind === 'preview' && content.session) {
      const stroke = content.session.endStroke();
      if (stroke) {
        useEditor.getState().addStroke(stroke);
        onStroke();
      }
    }
  };

  const backdropStyle =
    backdrop === 'white'
      ? { background: '#ffffff' }
      : backdrop === 'black'
        ? { background: '#000000' }
        : backdrop === 'custom'
          ? { background: customBackdrop }
          : undefined;
  const dpr = dprNow();
  const cursorSize = isPartTool(tool) ? PART_SEED_PX : brushSize;
  // Enlarged past one preview pixel per device pixel: show pixels crisp rather than smeared.
  const previewDensity = preview ? preview.image.width / preview.outputWidth : 1;
  const pixelated = view ? view.scale * dpr > previewDensity * 2 : false;
  const stage =
    view && size
      ? {
          width: size.width,
          height: size.height,
          transform: `translate(${view.x}px, ${view.y}px) scale(${view.scale})`,
        }
      : { visibility: 'hidden' as const };
  const beforeClip = showBefore ? undefined : `inset(0 ${100 - split}% 0 0)`;

  return (
    <div
      ref={frame}
      className={`viewer-frame ${painting && !spaceHeld ? 'painting' : ''} ${spaceHeld || tool === 'move' ? 'panning' : ''}`}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onPointerLeave={() => setCursor(null)}
      onAuxClick={(e) => e.preventDefault()}
      data-testid="viewer-frame"
      data-zoom={view ? Math.round(percent(view, dpr)) : undefined}
    >
      {view && size && (
        <div
          className={`stage-backdrop ${backdrop === 'checker' ? 'checker' : ''}`}
          style={{
            left: view.x,
            top: view.y,
            width: size.width * view.scale,
            height: size.height * view.scale,
            ...backdropStyle,
          }}
          data-testid="viewer-backdrop"
          data-backdrop={backdrop}
        />
      )}
      <div className={`editor-stage ${pixelated ? 'pixelated' : ''}`} style={stage}>
        {content.kind === 'preview' ? (
          <>
            <canvas ref={after} className="stage-layer" data-testid="viewer-result" data-version={version} />
            <canvas
              ref={before}
              className="stage-layer stage-before"
              style={{
                clipPath: beforeClip,
                display: preview?.before && (split > 0 || showBefore) ? undefined : 'none',
              }}
              data-testid="viewer-before"
            />
          </>
        ) : (
          <>
            <img
              className="stage-layer"
              src={content.src}
              alt="Result"
              draggable={false}
              onLoad={(e) =>
                setNatural({ width: e.currentTarget.naturalWidth, height: e.currentTarget.naturalHeight })
              }
              data-testid="viewer-result"
            />
            {content.before && (split > 0 || showBefore) && (
              <img
                className="stage-layer stage-before"
                src={content.before}
                alt="Original"
                draggable={false}
                style={{ clipPath: beforeClip }}
                data-testid="viewer-before"
              />
            )}
          </>
        )}
      </div>
      {painting && cursor && !spaceHeld && (
        <div
          className={`brush-cursor ${tool}`}
          style={{
            left: cursor.x - cursorSize / 2,
            top: cursor.y - cursorSize / 2,
            width: cursorSize,
            height: cursorSize,
          }}
          data-testid="brush-cursor"
        />
      )}
    </div>
  );
}
