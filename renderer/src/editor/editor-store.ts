/**
 * The editor's own UI state (zustand): the tool and brush settings, the viewer's backdrop and
 * compare toggle, and the hand-edit undo stack of the item being edited, which it sends whole to the
 * engine (edit.setStrokes) shortly after every change. `flushStrokes()` waits for that to land, so
 * Apply / Save (edit.render) always renders the edits the user sees.
 */
import { create } from 'zustand';
import { api, errorText } from '../api/client';
import type { Stroke } from './brush';
import { isCancelled, trackEdit } from './edit-progress';
import { allStrokes, emptyHistory, push, redo, undo, type StrokeHistory } from './history';

export type Tool = 'move' | 'erase' | 'restore' | 'add-part' | 'remove-part';

/** The one-click tools: their strokes are computed by the engine only (matte/part-select.ts). */
export const isPartTool = (tool: Tool): tool is 'add-part' | 'remove-part' =>
  tool === 'add-part' || tool === 'remove-part';
const hasPart = (strokes: readonly Stroke[]) => strokes.some((s) => isPartTool(s.mode as Tool));
export type Backdrop = 'checker' | 'white' | 'black' | 'custom';

interface EditorState {
  tool: Tool;
  /** Brush diameter in screen (CSS) pixels: the cursor's size whatever the zoom. */
  brushSize: number;
  hardness: number;
  edgeAware: boolean;
  backdrop: Backdrop;
  customBackdrop: string;
  /** Show the original instead of the result (before/after). */
  showBefore: boolean;
  itemId: number | null;
  revision: number | undefined;
  history: StrokeHistory;
  /**
   * The hand edits changed since the item was opened or last rendered: Save makes a new version only
   * then (or when the recipe changed); saving an unchanged item writes the version shown.
   */
  maskChanged: boolean;
  /** The engine's answer to the last edit.setStrokes: 'saving' until it lands. */
  sync: 'idle' | 'saving' | 'saved' | 'error';
  syncError: string | null;
  /**
   * The engine's effective mask to show, when the preview cannot rebuild it itself (the stroke list
   * holds an add-part / remove-part stroke, or one was just undone or redone): the viewer loads it at
   * display size. `seq` grows with every answer, so the newest one wins.
   */
  engineMask: { maskImageId: number; seq: number } | null;
  /** A part stroke (or its undo / redo) is being computed by the engine: the "Working…" state. */
  partWorking: boolean;
  /** The viewer loaded engineMask `seq` (clears partWorking when it is the newest). */
  engineMaskShown(seq: number): void;
  setTool(tool: Tool): void;
  setBrush(changes: Partial<Pick<EditorState, 'brushSize' | 'hardness' | 'edgeAware'>>): void;
  setBackdrop(backdrop: Backdrop, custom?: string): void;
  setShowBefore(show: boolean): void;
  /** Opens an item for editing with the strokes it already has. */
  open(itemId: number, strokes: readonly Stroke[], revision: number | undefined): void;
  close(): void;
  /** A render included the current hand edits. */
  markRendered(): void;
  addStroke(stroke: Stroke): void;
  undo(): void;
  redo(): void;
  /** Resolves once the engine has the current stroke list (throws if it refused it). */
  flushStrokes(): Promise<void>;
}

const SYNC_DELAY_MS = 250;
let timer: ReturnType<typeof setTimeout> | undefined;
let inFlight: Promise<void> = Promise.resolve();
/** A part stroke was added, undone or redone since the last send: its answer's mask must be shown. */
let partChanged = false;
/** The number of the newest send that asked for the engine's mask (sends run one at a time). */
let maskSeq = 0;
/** The last send was stopped by the user (edit.cancel): flushStrokes sends the list again. */
let stopped = false;

export const useEditor = create<EditorState>((set, get) => {
  const send = async (): Promise<void> => {
    const { itemId, history, revision } = get();
    if (itemId === null) return;
    set({ sync: 'saving', syncError: null });
    // The preview rebuilds brush strokes itself; a list with part strokes needs the engine's mask.
    const wantMask = partChanged || hasPart(history.done);
    const seq = wantMask ? ++maskSeq : 0;
    partChanged = false;
    try {
      const answer = await trackEdit(itemId, 'strokes', () =>
        api['edit.setStrokes']({
          id: itemId,
          strokes: allStrokes(history),
          ...(revision !== undefined ? { baseRevision: revision } : {}),
        }),
      );
      stopped = false;
      if (get().itemId !== itemId) return;
      set({ revision: answer.revision, sync: 'saved' });
      if (wantMask) set({ engineMask: { maskImageId: answer.maskImageId, seq } });
    } catch (error) {
      // Stopped by the user: the engine kept the edits it had; Apply or the next change sends these again.
      stopped = isCancelled(error);
      const message = stopped
        ? 'stopped — they are sent again with Apply or your next change'
        : errorText(error);
      if (get().itemId === itemId) set({ sync: 'error', syncError: message, partWorking: false });
      throw error;
    }
  };
  /** A part stroke added, undone or redone: the engine computes it, the viewer shows "Working…". */
  const noteParts = (changed: readonly Stroke[]) => {
    if (!hasPart(changed)) return;
    partChanged = true;
    set({ partWorking: true });
  };
  const schedule = () => {
    clearTimeout(timer);
    set({ sync: 'saving' });
    timer = setTimeout(() => {
      timer = undefined;
      inFlight = inFlight.then(send, send).catch(() => undefined);
    }, SYNC_DELAY_MS);
  };
  return {
    tool: 'move',
    brushSize: 40,
    hardness: 0.7,
    edgeAware: false,
    backdrop: 'checker',
    customBackdrop: '#7f8c99',
    showBefore: false,
    itemId: null,
    revision: undefined,
    history: emptyHistory(),
    maskChanged: false,
    sync: 'idle',
    syncError: null,
    engineMask: null,
    partWorking: false,
    engineMaskShown(seq) {
      // Still working while a newer send is pending or on its way (its mask follows).
      if (seq === maskSeq && timer === undefined && !partChanged) set({ partWorking: false });
    },
    setTool: (tool) => set({ tool }),
    setBrush: (changes) => set(changes),
    setBackdrop: (backdrop, custom) => set(custom ? { backdrop, customBackdrop: custom } : { backdrop }),
    setShowBefore: (showBefore) => set({ showBefore }),
    open(itemId, strokes, revision) {
      clearTimeout(timer);
      timer = undefined;
      set({
        itemId,
        revision,
        history: emptyHistory(strokes),
        maskChanged: false,
        sync: 'idle',
        syncError: null,
        showBefore: false,
        engineMask: null,
        partWorking: false,
      });
      partChanged = false;
    },
    close() {
      set({
        itemId: null,
        history: emptyHistory(),
        tool: 'move',
        maskChanged: false,
        engineMask: null,
        partWorking: false,
      });
    },
    markRendered: () => set({ maskChanged: false }),
    addStroke(stroke) {
      set({ history: push(get().history, stroke), maskChanged: true });
      noteParts([stroke]);
      schedule();
    },
    undo() {
      const h = get().history;
      if (h.done.length === 0) return;
      set({ history: undo(h), maskChanged: true });
      // With part strokes left in the list the preview cannot rebuild the mask: the engine's follows.
      noteParts([...h.done.slice(-1), ...get().history.done]);
      schedule();
    },
    redo() {
      const h = get().history;
      if (h.undone.length === 0) return;
      set({ history: redo(h), maskChanged: true });
      noteParts(get().history.done);
      schedule();
    },
    async flushStrokes() {
      if (timer !== undefined || stopped) {
        clearTimeout(timer);
        timer = undefined;
        inFlight = inFlight.then(send, send);
      }
      await inFlight;
      if (get().sync === 'error') throw new Error(get().syncError ?? 'the hand edits were not saved');
    },
  };
});
