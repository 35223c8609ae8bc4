import type { Db } from './database';
import { editImageIds, versionIds } from './edits';
import { deleteImagesIfUnused } from './images';
import { deleteGenerationRow } from './retention';

/**
 * Deletes a history item; a root goes with its re-render versions and its masks (a version alone
 * goes by itself). Images nothing else uses are deleted too, in the same transaction.
 */
export function deleteItemWithVersions(db: Db, accountId: string, id: number): void {
  db.transaction(() => {
    const family = [...versionIds(db, id), id];
    const masks = editImageIds(db, family);
    for (const member of family) deleteGenerationRow(db, accountId, member);
    deleteImagesIfUnused(db, masks);
  }).immediate();
}
