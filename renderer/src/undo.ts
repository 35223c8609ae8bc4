/**
 * Undo for destructive actions: Delete (a History item, photos in the queue) and the queue's Clear
 * show a toast with Undo for as long as the engine keeps the deletion in its trash (history.delete
 * with undoable; in privacy mode nothing waits, and the toast says it is gone). Clear only empties
 * the list (History keeps the items), so its Undo just puts the rows back.
 */
import { create } from 'zustand';
import { api, errorText } from './api/client';
import { useStore, type QueueItem } from './store';

export interface UndoOffer {
  text: string;
  /** When the offer ends (ms since the epoch). */
  until: number;
  undo(): Promise<void>;
}

export const useUndo = create<{ offer: UndoOffer | null }>(() => ({ offer: null }));

/** How long Clear can be undone (no engine trash behind it: only the list's rows). */
const CLEAR_WINDOW_MS = 10_000;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const rootOf = (q: QueueItem) => (q.item ? (q.item.versionOf ?? q.item.id) : null);

function offer(next: UndoOffer): void {
  useUndo.setState({ offer: next });
  setTimeout(
    () => {
      if (useUndo.getState().offer === next) useUndo.setState({ offer: null });
    },
    Math.max(0, next.until - Date.now()),
  );
}

/**
 * Deletes history items (each with its versions) with an Undo: they leave History and the queue now;
 * Undo brings both back. `label` names what went ("lamp.jpg", "3 photos").
 */
export async function deleteWithUndo(ids: number[], label: string): Promise<boolean> {
  const studio = useStore.getState();
  if (ids.length === 0) return false;
  try {
    const answer = await api['history.delete']({ ids, undoable: true });
    const gone = new Set(ids);
    const removed = studio.queue.filter((q) => {
      const root = rootOf(q);
      return root !== null && gone.has(root);
    });
    useStore.setState((s) => ({
      queue: s.queue.filter((q) => !removed.includes(q)),
      checked: s.checked.filter((c) => !gone.has(c)),
      ...(s.selectedItemId !== null && gone.has(s.selectedItemId)
        ? { selected: null, selectedItemId: null }
        : {}),
      historyVersion: s.historyVersion + 1,
    }));
    if (!answer.undo) {
      studio.notify('info', `Deleted ${label} (privacy mode: at once, no undo)`);
      return true;
    }
    const { deletionId, until } = answer.undo;
    offer({
      text: `Deleted ${label}`,
      until: Date.parse(until),
      async undo() {
        await api['history.undoDelete']({ deletionId });
        useStore.setState((s) => ({
          queue: [...removed.filter((r) => !s.queue.includes(r)), ...s.queue],
          historyVersion: s.historyVersion + 1,
        }));
      },
    });
    return true;
  } catch (error) {
    studio.notify('error', errorText(error));
    return false;
  }
}

/** Deletes the photos ticked in the queue, or else the one shown. */
export function deleteFromQueue(): Promise<boolean> {
  const { checked, selectedItemId, queue } = useStore.getState();
  const ids = checked.length ? checked : selectedItemId !== null ? [selectedItemId] : [];
  const first = queue.find((q) => rootOf(q) === ids[0]);
  const label = ids.length === 1 ? (first?.name ?? 'the photo') : plural(ids.length, 'photo', 'photos');
  return deleteWithUndo(ids, label);
}

/** The queue's Clear, with Undo: the finished rows leave the list (History keeps them). */
export function clearQueueWithUndo(): void {
  const before = useStore.getState().queue;
  useStore.getState().clearQueue();
  const after = useStore.getState().queue;
  const removed = before.filter((q) => !after.includes(q));
  if (removed.length === 0) return;
  offer({
    text: `Cleared ${plural(removed.length, 'photo', 'photos')} from the list (History keeps them)`,
    until: Date.now() + CLEAR_WINDOW_MS,
    async undo() {
      useStore.setState((s) => ({ queue: [...s.queue, ...removed.filter((r) => !s.queue.includes(r))] }));
    },
  });
}

/** Runs the offer's Undo once; an Undo that comes too late says so. */
export async function runUndo(): Promise<void> {
  const current = useUndo.getState().offer;
  if (!current) return;
  useUndo.setState({ offer: null });
  try {
    await current.undo();
    useStore.getState().notify('info', 'Restored');
  } catch (error) {
    useStore.getState().notify('error', errorText(error));
  }
}
