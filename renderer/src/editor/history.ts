/**
 * The editor's undo stack for hand edits: the UI owns it and sends the whole list to the engine
 * (edit.setStrokes). `committed` is what the item already had when the editor opened it (it stays:
 * the display mask was loaded with those edits baked in); undo and redo move within this session.
 */
import type { Stroke } from './brush';

export interface StrokeHistory {
  committed: readonly Stroke[];
  done: readonly Stroke[];
  undone: readonly Stroke[];
}

export const emptyHistory = (committed: readonly Stroke[] = []): StrokeHistory => ({
  committed,
  done: [],
  undone: [],
});

export function push(h: StrokeHistory, stroke: Stroke): StrokeHistory {
  return { ...h, done: [...h.done, stroke], undone: [] };
}

export function undo(h: StrokeHistory): StrokeHistory {
  const last = h.done[h.done.length - 1];
  if (!last) return h;
  return { ...h, done: h.done.slice(0, -1), undone: [...h.undone, last] };
}

export function redo(h: StrokeHistory): StrokeHistory {
  const next = h.undone[h.undone.length - 1];
  if (!next) return h;
  return { ...h, done: [...h.done, next], undone: h.undone.slice(0, -1) };
}

/** The list the engine stores: what the item had, then this session's strokes. */
export function allStrokes(h: StrokeHistory): Stroke[] {
  return [...h.committed, ...h.done];
}
