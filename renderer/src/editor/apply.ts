/**
 * Apply / Save for the flow: makes sure the engine has the strokes the user sees, then renders the
 * full-resolution version from the stored original and mask (edit.render: free, no queue item).
 */
import type { Recipe } from '../../../electron/engine/api/contract';
import { api } from '../api/client';
import { trackEdit } from './edit-progress';
import { useEditor } from './editor-store';

export async function renderEdited(id: number, recipe: Recipe) {
  await useEditor.getState().flushStrokes();
  const { revision } = useEditor.getState();
  return trackEdit(id, 'render', () =>
    api['edit.render']({ id, recipe, ...(revision !== undefined ? { baseRevision: revision } : {}) }),
  );
}
