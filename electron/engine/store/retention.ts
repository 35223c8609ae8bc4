/**
 * Retention and deletion: outputs expire after the account's retention unless pinned (the sweeper
 * runs at start-up and periodically), single items can be deleted, and whole accounts are erased
 * and the file compacted so their bytes are gone from disk, not just unlinked from an index.
 */
import type { Db } from './database';
import { deleteImagesIfUnused } from './images';
import { getSetting, setSetting } from './settings';

/** Set in the deleting transaction, cleared once the file is compacted (survives a kill in between). */
const COMPACTION_PENDING = 'maintenance.compactionPending';

/** Removes expired, unpinned outputs (the row and its original stay for regeneration). */
export function sweepExpired(db: Db, now: Date = new Date()): { expired: number; imagesDeleted: number } {
  return db
    .transaction(() => {
      const expired = db
        .prepare(
          `SELECT id, output_image_id FROM generations
           WHERE expires_at IS NOT NULL AND expires_at <= ? AND pinned = 0 AND output_image_id IS NOT NULL`,
        )
        .all(now.toISOString()) as { id: number; output_image_id: number }[];
      const clear = db.prepare(
        'UPDATE generations SET output_image_id = NULL, output_expired = 1 WHERE id = ?',
      );
      for (const g of expired) clear.run(g.id);
      const outputs = expired.map((g) => g.output_image_id);
      return { expired: outputs.length, imagesDeleted: deleteImagesIfUnused(db, outputs) };
    })
    .immediate();
}

export function deleteGenerationRow(db: Db, accountId: string, id: number): boolean {
  return db
    .transaction(() => {
      const row = db
        .prepare(
          'DELETE FROM generations WHERE id = ? AND account_id = ? RETURNING input_image_id, output_image_id',
        )
        .get(id, accountId) as { input_image_id: number | null; output_image_id: number | null } | undefined;
      if (row) deleteImagesIfUnused(db, [row.input_image_id, row.output_image_id]);
      return row !== undefined;
    })
    .immediate();
}

/**
 * After a deletion: secure_delete has zeroed the rows and the freed pages, but those zeroed pages are
 * only in the WAL, and older frames of the WAL still hold the deleted bytes. A TRUNCATE checkpoint
 * copies the zeroed pages into the main file and empties the WAL. It cannot finish while another
 * connection (a CLI in the same profile) is reading: returns false then, so the caller tries again.
 */
export function checkpointTruncate(db: Db): boolean {
  const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number }[];
  return result?.busy === 0 && result.log <= 0;
}

/** Deletes an account's rows and notes, in the same transaction, that the file still needs compacting. */
export function eraseAccount(db: Db, accountId: string, afterDelete: () => void): void {
  db.transaction(() => {
    db.prepare('DELETE FROM accounts WHERE id = ?').run(accountId);
    afterDelete();
    setSetting(db, null, COMPACTION_PENDING, true);
  }).immediate();
}

/** Compacts, then clears the note (a kill during compaction leaves the note, so the next open redoes it). */
export function finishCompaction(db: Db): void {
  compact(db);
  setSetting(db, null, COMPACTION_PENDING, false);
  db.pragma('wal_checkpoint(TRUNCATE)');
}

/** At open: finishes a compaction a killed deletion left undone. */
export function compactIfPending(db: Db): boolean {
  if (getSetting(db, null, COMPACTION_PENDING) !== true) return false;
  finishCompaction(db);
  return true;
}

/** Moves everything written so far into the main file and rewrites it without free pages. */
export function compact(db: Db): void {
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.exec('VACUUM');
  db.pragma('wal_checkpoint(TRUNCATE)');
}
