/** Key/value settings as JSON, global (accountId null) or per account. */
import type { Db } from './database';

export function getSetting(db: Db, accountId: string | null, key: string): unknown {
  const raw = db
    .prepare("SELECT value_json FROM settings WHERE coalesce(account_id, '') = coalesce(?, '') AND key = ?")
    .pluck()
    .get(accountId, key) as string | undefined;
  return raw === undefined ? undefined : (JSON.parse(raw) as unknown);
}

export function setSetting(db: Db, accountId: string | null, key: string, value: unknown): void {
  db.transaction(() => {
    db.prepare("DELETE FROM settings WHERE coalesce(account_id, '') = coalesce(?, '') AND key = ?").run(
      accountId,
      key,
    );
    if (value !== undefined) {
      db.prepare('INSERT INTO settings (account_id, key, value_json) VALUES (?, ?, ?)').run(
        accountId,
        key,
        JSON.stringify(value),
      );
    }
  }).immediate();
}

export const DEFAULT_RETENTION_DAYS = 7;

/** Days before an unpinned output expires; null keeps outputs forever. */
export function retentionDays(db: Db, accountId: string): number | null {
  const value = getSetting(db, accountId, 'retentionDays');
  if (value === null) return null;
  return typeof value === 'number' && value > 0 ? value : DEFAULT_RETENTION_DAYS;
}

export function privacyMode(db: Db, accountId: string): boolean {
  return getSetting(db, accountId, 'privacyMode') === true;
}
