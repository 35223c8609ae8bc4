/**
 * Accounts: one local anonymous account (always present) plus signed-in ones keyed by the server's
 * user id. The current account is a global setting, so the app and the CLI agree on it.
 */
import { randomUUID } from 'node:crypto';
import { AtelierError } from '../errors';
import type { Db } from './database';
import { getSetting, setSetting } from './settings';

export const ANONYMOUS_ACCOUNT_ID = 'local';

export interface AccountRow {
  id: string;
  kind: 'anonymous' | 'signed_in';
  serverUserId: string | null;
  email: string | null;
  createdAt: string;
  lastUsedAt: string;
}

interface AccountDbRow {
  id: string;
  kind: 'anonymous' | 'signed_in';
  server_user_id: string | null;
  email: string | null;
  created_at: string;
  last_used_at: string;
}

function toAccount(r: AccountDbRow): AccountRow {
  return {
    id: r.id,
    kind: r.kind,
    serverUserId: r.server_user_id,
    email: r.email,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
  };
}

export function ensureAnonymousAccount(db: Db): void {
  const now = new Date().toISOString();
  db.prepare(
    "INSERT OR IGNORE INTO accounts (id, kind, created_at, last_used_at) VALUES (?, 'anonymous', ?, ?)",
  ).run(ANONYMOUS_ACCOUNT_ID, now, now);
}

export function listAccounts(db: Db): AccountRow[] {
  return (db.prepare('SELECT * FROM accounts ORDER BY created_at').all() as AccountDbRow[]).map(toAccount);
}

export function getAccount(db: Db, id: string): AccountRow | null {
  const row = db.prepare('SELECT * FROM accounts WHERE id = ?').get(id) as AccountDbRow | undefined;
  return row ? toAccount(row) : null;
}

export function requireAccount(db: Db, id: string): AccountRow {
  const account = getAccount(db, id);
  if (!account) {
    throw new AtelierError('NOT_FOUND', `No such account in this profile: ${id}`, {
      hint: 'list the accounts of this profile with `atelier history accounts`',
    });
  }
  return account;
}

/** Finds or creates the local row of a signed-in user; updates the email if it changed. */
export function upsertSignedInAccount(db: Db, serverUserId: string, email: string | null): AccountRow {
  if (!serverUserId.trim()) {
    throw new AtelierError('USAGE', 'Signed-in account needs a server user id (serverUserId is empty)', {
      hint: 'pass the id the license server returned',
    });
  }
  const now = new Date().toISOString();
  const existing = db
    .prepare('SELECT id FROM accounts WHERE server_user_id = ?')
    .pluck()
    .get(serverUserId) as string | undefined;
  if (existing) {
    db.prepare('UPDATE accounts SET email = ?, last_used_at = ? WHERE id = ?').run(email, now, existing);
    return requireAccount(db, existing);
  }
  const id = randomUUID();
  db.prepare(
    "INSERT INTO accounts (id, kind, server_user_id, email, created_at, last_used_at) VALUES (?, 'signed_in', ?, ?, ?, ?)",
  ).run(id, serverUserId, email, now, now);
  return requireAccount(db, id);
}

export function currentAccountId(db: Db): string {
  const id = getSetting(db, null, 'currentAccountId');
  if (typeof id === 'string' && getAccount(db, id)) return id;
  return ANONYMOUS_ACCOUNT_ID;
}

export function setCurrentAccountId(db: Db, id: string): void {
  requireAccount(db, id);
  db.prepare('UPDATE accounts SET last_used_at = ? WHERE id = ?').run(new Date().toISOString(), id);
  setSetting(db, null, 'currentAccountId', id);
}
