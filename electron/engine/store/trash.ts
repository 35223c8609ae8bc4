/**
 * Undo for Delete: a deletion first moves the item (with its versions) into the trash, where it is
 * hidden from every history query, and can be put back within the undo window. Then — or when the
 * process that deleted it closes its store, or at the next start after a crash — the trash is emptied
 * with the ordinary deletion (rows, unused images, the bytes checkpointed out of the database file).
 * In privacy mode nothing waits in the trash: Store.trash deletes at once.
 */
import { randomUUID } from 'node:crypto';
import { AtelierError } from '../errors';
import type { Db } from './database';
import { deleteItemWithVersions } from './delete-item';
import { findGeneration } from './generations';
import { versionIds } from './edits';

/** How long a deletion can be undone. */
export const UNDO_WINDOW_MS = 10_000;

/** SQL that is true for a row of `generations` (aliased `alias`) that is not in the trash. */
export const notTrashed = (alias = 'generations') =>
  `NOT EXISTS (SELECT 1 FROM trash t WHERE t.generation_id = ${alias}.id)`;

/** Moves items (each with its versions) into the trash in one transaction; returns the deletion's id. */
export function moveToTrash(db: Db, accountId: string, ids: readonly number[], now: Date): string {
  const deletionId = randomUUID();
  db.transaction(() => {
    const insert = db.prepare(
      'INSERT OR IGNORE INTO trash (generation_id, deletion_id, head, trashed_at) VALUES (?, ?, ?, ?)',
    );
    for (const id of new Set(ids)) {
      findGeneration(db, accountId, id); // NOT_FOUND for unknown, trashed or other accounts' items
      insert.run(id, deletionId, 1, now.toISOString());
      for (const version of versionIds(db, id)) insert.run(version, deletionId, 0, now.toISOString());
    }
  }).immediate();
  return deletionId;
}

/** Puts a deletion's items back; NOT_FOUND once it was emptied (too late to undo). */
export function restoreFromTrash(db: Db, accountId: string, deletionId: string): number {
  const ofDeletion = `FROM trash WHERE deletion_id = ? AND generation_id IN
         (SELECT id FROM generations WHERE account_id = ?)`;
  const items = db
    .prepare(`SELECT count(*) ${ofDeletion} AND head = 1`)
    .pluck()
    .get(deletionId, accountId) as number;
  db.prepare(`DELETE ${ofDeletion}`).run(deletionId, accountId);
  if (items === 0) {
    throw new AtelierError('NOT_FOUND', 'It is too late to undo: the item was deleted for good', {
      hint: 'Undo works for a few seconds after Delete',
    });
  }
  return items;
}

/**
 * Empties the trash: one deletion, every deletion older than `before`, or (neither) all of it,
 * optionally for one account. Returns how many items (heads) were deleted for good.
 */
export function emptyTrash(
  db: Db,
  options: { deletionId?: string; before?: Date; accountId?: string } = {},
): number {
  // A store opened at an older schema (a migration test's) has no trash yet: nothing to empty.
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'trash'").get();
  if (!exists) return 0;
  return db
    .transaction(() => {
      const where: string[] = ['t.head = 1'];
      const args: unknown[] = [];
      if (options.deletionId) {
        where.push('t.deletion_id = ?');
        args.push(options.deletionId);
      }
      if (options.before) {
        where.push('t.trashed_at < ?');
        args.push(options.before.toISOString());
      }
      if (options.accountId) {
        where.push('g.account_id = ?');
        args.push(options.accountId);
      }
      const heads = db
        .prepare(
          `SELECT t.generation_id AS id, g.account_id AS accountId FROM trash t
             JOIN generations g ON g.id = t.generation_id WHERE ${where.join(' AND ')}`,
        )
        .all(...args) as { id: number; accountId: string }[];
      // The trash rows go with their generations (ON DELETE CASCADE).
      for (const head of heads) deleteItemWithVersions(db, head.accountId, head.id);
      return heads.length;
    })
    .immediate();
}
