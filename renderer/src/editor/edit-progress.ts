/**
 * The running full-resolution edit (a render for Apply / Save, or the brush edits being saved), as
 * the engine reports it (`edit.progress`), so the editor can show how far it is and stop it (Escape or
 * Cancel: `edit.cancel`; the item stays as it was). One at a time: the editor sends one item's work.
 */
import { create } from 'zustand';
import type { EditProgressEvent } from '../../../electron/engine/api/contract';
import { api, ApiCallError } from '../api/client';

export type EditAction = EditProgressEvent['action'];

interface Running {
  id: number;
  action: EditAction;
  fraction: number;
  /** Cancel was asked for; the answer (CANCELLED) is on its way. */
  stopping: boolean;
}

interface EditProgressState {
  running: Running | null;
  /** Asks the engine to stop the running edit (Escape, the Cancel button). */
  cancel(): void;
}

export const useEditProgress = create<EditProgressState>((set, get) => ({
  running: null,
  cancel() {
    const running = get().running;
    if (!running || running.stopping) return;
    set({ running: { ...running, stopping: true } });
    // A refused cancel (it was already saving) just lets the edit finish.
    void api['edit.cancel']({ id: running.id }).catch(() => undefined);
  },
}));

/** Runs `work` (an edit.render or edit.setStrokes call for item `id`) as the running edit. */
export async function trackEdit<T>(id: number, action: EditAction, work: () => Promise<T>): Promise<T> {
  const mine: Running = { id, action, fraction: 0, stopping: false };
  useEditProgress.setState({ running: mine });
  try {
    return await work();
  } finally {
    const { running } = useEditProgress.getState();
    if (running?.id === id && running.action === action) useEditProgress.setState({ running: null });
  }
}

/** Whether an error is the engine's answer to a cancel (shown as a note, not as a failure). */
export function isCancelled(error: unknown): boolean {
  return error instanceof ApiCallError && error.error.code === 'CANCELLED';
}

/** Follows the engine's progress events; returns the unsubscribe. */
export function followEditProgress(): () => void {
  return api.on('edit.progress', (e) => {
    const { running } = useEditProgress.getState();
    if (running && running.id === e.id && running.action === e.action && !running.stopping) {
      useEditProgress.setState({ running: { ...running, fraction: e.fraction } });
    }
  });
}
