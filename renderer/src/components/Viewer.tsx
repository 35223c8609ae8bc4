import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { HistoryItem } from '../../../electron/engine/api/contract';
import { imageUrl } from '../api/client';
import { useStudio } from '../store';
import type { Preview } from '../editor/session';
import { isPartTool, useEditor } from '../editor/editor-store';
import { EditorStage, type StageContent, type StageHandle } from '../editor/EditorStage';
import { EditProgressBar } from '../editor/EditProgressBar';
import { useEditProgress } from '../editor/edit-progress';
import { recipeFromParams } from '../editor/recipe';
import { useEditSource } from '../editor/use-edit-source';
import { loadMask } from '../editor/load-source';
import { ViewerToolbar } from '../editor/ViewerToolbar';
import { percent, type View } from '../editor/viewport';
import { useBackgroundPicture } from '../pictures/use-background-picture';
import '../editor/editor.css';

/**
 * The result viewer and, in the Studio, the editor: a cut-out is shown as a live preview composed in
 * the renderer from its original and mask, so the panel's background, shadow, canvas, trim, feather
 * and edge changes show at once (no model run, no queue item), and it can be touched up with the
 * brush. Other results (and everything in History) show the stored image. Fit / 100 %, backdrop and
 * the before/after divider work for both. Parents key it by item id, so each item starts at Fit.
 */
export function Viewer({ item, editable }: { item: HistoryItem | null; editable?: boolean }) {
  const screen = useStudio((s) => s.view);
  const recipeParams = useStudio((s) => s.recipe);
  const edit = useEditSource(item, editable ?? screen === 'studio');
  const tool = useEditor((s) => s.tool);
  const done = useEditor((s) => s.history.done);
  // A full-size render or brush save of this item is running (its progress bar shows only after a while).
  const busy = useEditProgress((s) => s.running !== null && s.running.id === item?.id);
  const [split, setSplit] = useState(edit.kind === 'off' ? 50 : 0);
  const [zoom, setZoom] = useState<{ percent: number; fitted: boolean } | null>(null);
  const [preview, setPreview] = useState<{ preview: Preview; version: number; ms: number } | null>(null);
  const stage = useRef<StageHandle | null>(null);
  const applied = useRef<readonly unknown[]>([]);
  const frameRequest = useRef<number | null>(null);

  const session = edit.kind === 'ready' ? edit.session : null;
  const brushMode = tool !== 'move';
  const recipe = useMemo(() => recipeFromParams(recipeParams), [recipeParams]);
  // An image background's pixels (display size) for the compositor's `backgroundPicture` input.
  const backgroundPicture = useBackgroundPicture(recipeParams.background);

  const lastFullMs = useRef(0);
  const refine = useRef<ReturnType<typeof setTimeout> | null>(null);
  const compose = useCallback(() => {
    if (!session) return;
    if (frameRequest.current !== null) cancelAnimationFrame(frameRequest.current);
    if (refine.current !== null) clearTimeout(refine.current);
    // The brush works on the whole photo: canvas and trim come back when the move tool does.
    const shown = brushMode ? { ...recipe, canvas: undefined, trim: undefined } : recipe;
    // Composed in the preview worker; a request replaced by a newer one resolves with null.
    const show = (draft: boolean) => {
      const t = performance.now();
      session.compose(shown, { withBefore: true, draft }).then(
        (p) => {
          if (!p) return;
          const ms = performance.now() - t;
          if (!draft) lastFullMs.current = ms;
          setPreview((old) => ({ preview: p, version: (old?.version ?? 0) + 1, ms }));
        },
        (error: unknown) => console.error('preview failed', error),
      );
    };
    frameRequest.current = requestAnimationFrame(() => {
      frameRequest.current = null;
      // Slow recipes (> 60 ms at display size) show a half-size draft first, the full one when idle.
      if (brushMode || lastFullMs.current <= 60) return show(false);
      show(true);
      refine.current = setTimeout(() => {
        refine.current = null;
        show(false);
      }, 150);
    });
  }, [session, recipe, brushMode]);

  // An image background: the preview worker keeps the picture's pixels (sent again only when the
  // picture changes, not on every recipe change), then the preview shows it.
  useEffect(() => {
    if (!session) return;
    session.setBackgroundPicture(backgroundPicture ?? null);
    compose();
    // compose is left out on purpose: the recipe's own changes recompose through the effect below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [session, backgroundPicture]);

  // Recompose on every recipe or tool change; after undo/redo, rebuild the mask first.
  useEffect(() => {
    if (!session) return;
    if (done !== applied.current) {
      session.setStrokes(done as Parameters<typeof session.setStrokes>[0]);
      applied.current = done;
    }
    compose();
  }, [session, done, compose]);

  useEffect(
    () => () => {
      if (frameRequest.current !== null) cancelAnimationFrame(frameRequest.current);
      if (refine.current !== null) clearTimeout(refine.current);
    },
    [],
  );

  const onStroke = useCallback(() => {
    // The session already shows this stroke: record it as applied so it is not rebuilt.
    applied.current = useEditor.getState().history.done;
    compose();
  }, [compose]);

  const [hint, setHint] = useState<string | null>(null);
  useEffect(() => {
    if (!hint) return;
    const timer = setTimeout(() => setHint(null), 5000);
    return () => clearTimeout(timer);
  }, [hint]);
  const onPaintRefused = useCallback(() => {
    useEditor.getState().setShowBefore(false);
    setSplit(0);
    setHint(
      isPartTool(useEditor.getState().tool)
        ? 'The original was shown, so nothing was changed. The result is back — click again.'
        : 'The original was shown, so nothing was painted. The result is back — paint again.',
    );
  }, []);

  // A one-click fix (or its undo / redo) was computed by the engine: show its mask.
  const engineMask = useEditor((s) => s.engineMask);
  useEffect(() => {
    if (!session || !engineMask) return;
    const abort = new AbortController();
    const { width, height } = session.mask;
    loadMask(engineMask.maskImageId, width, height, abort.signal).then(
      (mask) => {
        if (abort.signal.aborted) return;
        session.replaceMask(mask);
        compose();
        useEditor.getState().engineMaskShown(engineMask.seq);
      },
      (error: unknown) => {
        if (abort.signal.aborted) return;
        console.error('the edited mask could not be loaded', error);
        useEditor.getState().engineMaskShown(engineMask.seq);
        setHint('The fix was saved, but its preview could not be loaded. Apply shows it.');
      },
    );
    return () => abort.abort();
    // compose is left out on purpose: a recipe change recomposes through the effect above.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [session, engineMask]);

  const onView = useCallback(
    (v: View, dpr: number) => setZoom({ percent: percent(v, dpr), fitted: v.mode === 'fit' }),
    [],
  );

  // Keyboard: undo/redo, tools, before/after, zoom.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (
        t &&
        (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable)
      )
        return;
      const editor = useEditor.getState();
      const mod = e.ctrlKey || e.metaKey;
      if (mod && (e.key === 'z' || e.key === 'Z')) {
        if (!session) return;
        e.preventDefault();
        if (e.shiftKey) editor.redo();
        else editor.undo();
        return;
      }
      if (mod && e.key === 'y' && session) {
        e.preventDefault();
        editor.redo();
        return;
      }
      if (mod || e.altKey) return;
      if (e.key === 'b' || e.key === 'B') editor.setShowBefore(!editor.showBefore);
      else if (e.key === '0') stage.current?.fit();
      else if (e.key === '1') stage.current?.actual();
      else if (e.key === '+' || e.key === '=') stage.current?.zoom(1.25);
      else if (e.key === '-') stage.current?.zoom(1 / 1.25);
      else if (e.key === 'ArrowLeft') setSplit((s) => Math.max(0, s - 5));
      else if (e.key === 'ArrowRight') setSplit((s) => Math.min(100, s + 5));
      else if (session && (e.key === 'e' || e.key === 'E')) editor.setTool('erase');
      else if (session && (e.key === 'r' || e.key === 'R')) editor.setTool('restore');
      else if (e.key === 'v' || e.key === 'V') editor.setTool('move');
      else if (e.key === '[') editor.setBrush({ brushSize: Math.max(2, Math.round(editor.brushSize / 1.2)) });
      else if (e.key === ']')
        editor.setBrush({ brushSize: Math.min(400, Math.round(editor.brushSize * 1.2)) });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [session]);

  if (!item) {
    return (
      <div className="viewer empty" data-testid="viewer">
        <p>Results appear here. Drop photos to start, or open one from History.</p>
      </div>
    );
  }
  if (!item.outputImageId) {
    return (
      <div className="viewer empty" data-testid="viewer">
        <p>
          {item.outputExpired
            ? 'This result expired (outputs are kept 7 days unless pinned). Regenerate it from History.'
            : (item.error ?? 'No output.')}
        </p>
      </div>
    );
  }

  const content: StageContent =
    session && preview
      ? { kind: 'preview', preview: preview.preview, version: preview.version, session, brush: brushMode }
      : {
          kind: 'image',
          src: imageUrl(item.outputImageId),
          before: item.inputImageId ? imageUrl(item.inputImageId) : null,
        };
  const brush = edit.kind === 'ready' ? 'on' : edit.kind === 'off' ? 'hidden' : 'disabled';
  const notes = preview && session ? preview.preview.notes : [];

  return (
    <div
      className="viewer editor"
      data-testid="viewer"
      data-mode={content.kind}
      data-compose-ms={preview?.ms.toFixed(1)}
      aria-busy={busy}
    >
      <ViewerToolbar
        zoomPercent={zoom?.percent ?? null}
        fitted={zoom?.fitted ?? true}
        onFit={() => stage.current?.fit()}
        onActual={() => stage.current?.actual()}
        brush={brush}
      />
      <EditorStage
        content={content}
        split={split}
        onView={onView}
        handle={stage}
        onStroke={onStroke}
        onPaintRefused={onPaintRefused}
      />
      {hint && (
        <p className="editor-message" role="status" data-testid="paint-refused">
          {hint}
        </p>
      )}
      {edit.kind === 'blocked' && (
        <p className="editor-message" role="status" data-testid="editor-blocked">
          {edit.reason}
        </p>
      )}
      {notes.length > 0 && <p className="editor-message">{notes.join(' ')}</p>}
      <EditProgressBar />
      <div className="compare-row">
        {(content.kind === 'image' ? !!content.before : true) && (
          <>
            <span className={`compare-label ${split > 0 ? 'on' : ''}`}>Original</span>
            <input
              className="split-handle"
              type="range"
              min={0}
              max={100}
              value={split}
              aria-label="Compare original and result"
              title="Drag to show the original on the left"
              onChange={(e) => setSplit(Number(e.target.value))}
              data-testid="compare-slider"
            />
            <span className="compare-label on">Result</span>
          </>
        )}
        <div className="viewer-badges below">
          {brushMode && session && <span className="badge">Touch-up: whole photo</span>}
          {content.kind === 'preview' &&
            zoom &&
            content.preview.image.width < content.preview.outputWidth &&
            zoom.percent / 100 > (content.preview.image.width / content.preview.outputWidth) * 1.05 && (
              <span className="badge" data-testid="preview-resolution">
                Preview at {content.preview.image.width}×{content.preview.image.height} — Apply renders full
                resolution
              </span>
            )}
        </div>
      </div>
    </div>
  );
}
