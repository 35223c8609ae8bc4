/**
 * Moving the anonymous local history into a signed-in account, only when the user agreed (the CLI asks
 * on a TTY or takes --keep-history / --no-keep-history; the app asks in a dialog). One transaction:
 * generations, their images and batches change owner. Images are deduplicated per account by sha256, so
 * an anonymous image the account already has is merged into the account's copy instead of moved.
 * The anonymous free-quota counters stay with the anonymous account (they are not history).
 */
import type { Db } from '../store/database';
import { ANONYMOUS_ACCOUNT_ID, requireAccount } from '../store/accounts';
import { AtelierError } from '../errors';

export interface AdoptionResult {
  generations: number;
  images: number;
  batches: number;
}

export function adoptAnonymousHistory(db: Db, accountId: string): AdoptionResult {
  const target = requireAccount(db, accountId);
  if (target.kind !== 'signed_in') {
    throw new AtelierError(
      'USAGE',
      `History can only be moved to a signed-in account (${accountId} is anonymous)`,
      {
        hint: 'sign in first (atelier login)',
      },
    );
  }
  const from = ANONYMOUS_ACCOUNT_ID;
  return db
    .transaction((): AdoptionResult => {
      const duplicates = db
        .prepare(
          `SELECT a.id AS fromId, t.id AS toId FROM images a
         JOIN images t ON t.account_id = ? AND t.sha256 = a.sha256 WHERE a.account_id = ?`,
        )
        .all(accountId, from) as Array<{ fromId: number; toId: number }>;
      const repointInput = db.prepare('UPDATE generations SET input_image_id = ? WHERE input_image_id = ?');
      const repointOutput = db.prepare(
        'UPDATE generations SET output_image_id = ? WHERE output_image_id = ?',
      );
      const dropImage = db.prepare('DELETE FROM images WHERE id = ?');
      for (const d of duplicates) {
        repointInput.run(d.toId, d.fromId);
        repointOutput.run(d.toId, d.fromId);
        dropImage.run(d.fromId);
      }
      const images = db
        .prepare('UPDATE images SET account_id = ? WHERE account_id = ?')
        .run(accountId, from).changes;
      const batches = db
        .prepare('UPDATE batches SET account_id = ? WHERE account_id = ?')
        .run(accountId, from).changes;
      const generations = db
        .prepare('UPDATE generations SET account_id = ? WHERE account_id = ?')
        .run(accountId, from).changes;
      return { generations, images: images + duplicates.length, batches };
    })
    .immediate();
}

/** How many generations the anonymous account holds (what sign-in offers to move). */
export function anonymousHistoryCount(db: Db): number {
  return Number(
    db.prepare('SELECT count(*) FROM generations WHERE account_id = ?').pluck().get(ANONYMOUS_ACCOUNT_ID),
  );
}
