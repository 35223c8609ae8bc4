/**
 * Retention and deletion: outputs expire after the account's retention unless pinned (the sweeper
 * runs at start-up and periodically), single items can be deleted, and whole accounts are erased
 * and the file compacted so their bytes are gone from disk, not just unlinked from an index.
 */
import type { Db } from './database';
import { deleteOrphanImages } from './images';

/** Removes expired, unpinned outputs (the row and its original stay for regeneration). */
export function sweepExpired(db: Db, now: Date = new Date()): { expired: number; imagesDeleted: number } {
  return db
    .transaction(() => {
      const expired = db
        .prepare(
          `UPDATE generations SET output_image_id = NULL, output_expired = 1
         WHERE expires_at IS NOT NULL AND expires_at <= ? AND pinned = 0 AND output_image_id IS NOT NULL`,
        )
        .run(now.toISOString()).changes;
      const imagesDeleted = expired > 0 ? deleteOrphanImages(db) : 0;
      return { expired, imagesDeleted };
    })
    .immediate();
}

export function deleteGenerationRow(db: Db, accountId: string, id: number): boolean {
  return db
    .transaction(() => {
      const changes = db
        .prepare('DELETE FROM generations WHERE id = ? AND account_id = ?')
        .run(id, accountId).changes;
      if (changes) deleteOrphanImages(db, accountId);
      return changes === 1;
    })
    .immediate();
}

/** Moves everything written so far into the main file and rewrites it without free pages. */
export function compact(db: Db): void {
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.exec('VACUUM');
  db.pragma('wal_checkpoint(TRUNCATE)');
}
