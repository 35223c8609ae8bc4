/**
 * The store as the editor sees it (operations/edit.ts): an item's family (root + re-render versions),
 * its edit state, and saving strokes. Scoped to the store's current account like every history call.
 */
import { findGeneration } from './generations';
import { editSummaries, readEdit, rootOf, saveStrokes, versionIds } from './edits';
import { prepareImage } from './images';
import type { Store } from './store';
import { writeTurns } from './write-turns';
import type { EditState, GenerationRow, ImageInput } from './types';

export class EditorStore {
  constructor(private readonly store: Store) {}

  /** The root item of `id`'s family (NOT_FOUND for unknown ids or another account's items). */
  root(id: number): GenerationRow {
    const { db, currentAccountId } = this.store;
    findGeneration(db, currentAccountId, id);
    return findGeneration(db, currentAccountId, rootOf(db, id));
  }

  edit(rootId: number): EditState | null {
    return readEdit(this.store.db, rootId);
  }

  /** Root first, then its versions, newest last. */
  family(id: number): GenerationRow[] {
    const root = this.root(id);
    const { db, currentAccountId } = this.store;
    return [root, ...versionIds(db, root.id).map((v) => findGeneration(db, currentAccountId, v))];
  }

  summaries(ids: readonly number[]): ReturnType<typeof editSummaries> {
    return editSummaries(this.store.db, ids);
  }

  async saveStrokes(
    rootId: number,
    strokes: EditState['strokes'],
    mask: ImageInput,
    baseRevision: number | undefined,
  ): Promise<EditState> {
    const prepared = await prepareImage(mask, 'mask');
    const { db, currentAccountId } = this.store;
    // In its turn: a batch's history record may be being written on a pool thread (write-turns.ts).
    return writeTurns(this.store.file).take(() =>
      this.store.guard(() =>
        db
          .transaction(() =>
            saveStrokes(
              db,
              currentAccountId,
              rootId,
              strokes,
              prepared,
              baseRevision,
              new Date().toISOString(),
            ),
          )
          .immediate(),
      ),
    );
  }
}
