/**
 * The local token ledger used by the account module: debits with UUID idempotency keys (replayed until
 * the server confirms them), the last signed balance statement per account (verified by the caller;
 * never trusted from this file for the balance on its own), and the anonymous daily free quota.
 */
import { AtelierError } from '../errors';
import type { Db } from './database';

export type DebitState = 'pending' | 'confirmed' | 'rejected';

export interface DebitRow {
  id: string;
  accountId: string;
  generationId: number | null;
  operation: string;
  tokens: number;
  createdAt: string;
  state: DebitState;
  confirmedAt: string | null;
  error: string | null;
}

export interface BalanceStatementRow {
  accountId: string;
  payload: string;
  signature: string;
  keyId: string;
  seq: number;
  balance: number;
  validUntil: string;
  receivedAt: string;
}

interface DebitDbRow {
  id: string;
  account_id: string;
  generation_id: number | null;
  operation: string;
  tokens: number;
  created_at: string;
  state: DebitState;
  confirmed_at: string | null;
  error: string | null;
}

interface StatementDbRow {
  account_id: string;
  payload: string;
  signature: string;
  key_id: string;
  seq: number;
  balance: number;
  valid_until: string;
  received_at: string;
}

function toDebit(r: DebitDbRow): DebitRow {
  return {
    id: r.id,
    accountId: r.account_id,
    generationId: r.generation_id,
    operation: r.operation,
    tokens: r.tokens,
    createdAt: r.created_at,
    state: r.state,
    confirmedAt: r.confirmed_at,
    error: r.error,
  };
}

/** Inserts a pending debit; the same id twice is a no-op (idempotency key), returning false. */
export function insertDebit(
  db: Db,
  accountId: string,
  debit: { id: string; tokens: number; operation: string },
  generationId: number | null,
  now: string,
): boolean {
  if (!Number.isInteger(debit.tokens) || debit.tokens < 0) {
    throw new AtelierError('USAGE', `Token debit must be a whole number ≥ 0 (tokens = ${debit.tokens})`, {
      hint: 'pass the operation price in tokens',
    });
  }
  const result = db
    .prepare(
      `INSERT OR IGNORE INTO token_debits (id, account_id, generation_id, operation, tokens, created_at, state)
       VALUES (?, ?, ?, ?, ?, ?, 'pending')`,
    )
    .run(debit.id, accountId, generationId, debit.operation, debit.tokens, now);
  return result.changes === 1;
}

export function incrementQuotaIn(db: Db, accountId: string, day: string, by = 1): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) {
    throw new AtelierError('USAGE', `Quota day must be YYYY-MM-DD (got "${day}")`, {
      hint: 'pass the local date',
    });
  }
  return db
    .prepare(
      `INSERT INTO free_quota (account_id, day, used) VALUES (?, ?, ?)
       ON CONFLICT (account_id, day) DO UPDATE SET used = used + excluded.used RETURNING used`,
    )
    .pluck()
    .get(accountId, day, by) as number;
}

export interface Reservation {
  id: string;
  accountId: string;
  kind: 'free_quota' | 'tokens';
  day: string | null;
  tokens: number;
  pid: number;
  createdAt: string;
}

/** A reservation older than this is stale whatever its pid says (a reused pid must not hold it forever). */
const RESERVATION_MAX_AGE_MS = 24 * 3_600_000;

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The account's reservations held by live processes; those of dead processes or stale ones are deleted. */
export function liveReservations(db: Db, accountId: string, now = Date.now()): Reservation[] {
  const rows = db.prepare('SELECT * FROM token_reservations WHERE account_id = ?').all(accountId) as {
    id: string;
    account_id: string;
    kind: 'free_quota' | 'tokens';
    day: string | null;
    tokens: number;
    pid: number;
    created_at: string;
  }[];
  const live: Reservation[] = [];
  for (const r of rows) {
    if (processAlive(r.pid) && now - Date.parse(r.created_at) < RESERVATION_MAX_AGE_MS) {
      live.push({
        id: r.id,
        accountId: r.account_id,
        kind: r.kind,
        day: r.day,
        tokens: r.tokens,
        pid: r.pid,
        createdAt: r.created_at,
      });
    } else removeReservation(db, r.id);
  }
  return live;
}

export function addReservation(db: Db, r: Omit<Reservation, 'pid'>): void {
  db.prepare(
    'INSERT INTO token_reservations (id, account_id, kind, day, tokens, pid, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(r.id, r.accountId, r.kind, r.day, r.tokens, process.pid, r.createdAt);
}

export function removeReservation(db: Db, id: string): boolean {
  return db.prepare('DELETE FROM token_reservations WHERE id = ?').run(id).changes === 1;
}

export class Ledger {
  constructor(private readonly db: Db) {}

  /** Debits not yet confirmed or rejected by the server, oldest first (the replay order). */
  pendingDebits(accountId: string): DebitRow[] {
    const rows = this.db
      .prepare(
        "SELECT * FROM token_debits WHERE account_id = ? AND state = 'pending' ORDER BY created_at, id",
      )
      .all(accountId) as DebitDbRow[];
    return rows.map(toDebit);
  }

  debits(accountId: string, limit = 100): DebitRow[] {
    const rows = this.db
      .prepare('SELECT * FROM token_debits WHERE account_id = ? ORDER BY created_at DESC, id LIMIT ?')
      .all(accountId, limit) as DebitDbRow[];
    return rows.map(toDebit);
  }

  /** A debit not tied to a generation (generations pass theirs to recordGeneration). */
  addDebit(accountId: string, debit: { id: string; tokens: number; operation: string }): boolean {
    return insertDebit(this.db, accountId, debit, null, new Date().toISOString());
  }

  /** Records the server's answer for these debits; returns how many rows changed. */
  markDebits(ids: readonly string[], state: DebitState, error: string | null = null): number {
    const now = new Date().toISOString();
    const stmt = this.db.prepare(
      'UPDATE token_debits SET state = ?, confirmed_at = ?, error = ? WHERE id = ?',
    );
    return this.db
      .transaction(() => {
        let changed = 0;
        for (const id of ids) changed += stmt.run(state, state === 'pending' ? null : now, error, id).changes;
        return changed;
      })
      .immediate();
  }

  /**
   * Keeps the newest statement: a higher seq, or the same seq (the same ledger state) re-issued with a
   * later validUntil — without the latter a balance that did not move for `statementHours` stays
   * expired until the next purchase. An older seq, or the same seq valid for less long, is ignored
   * (returns false).
   */
  saveStatement(s: Omit<BalanceStatementRow, 'receivedAt'> & { receivedAt?: string }): boolean {
    const result = this.db
      .prepare(
        `INSERT INTO balance_statements (account_id, payload, signature, key_id, seq, balance, valid_until, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (account_id) DO UPDATE SET payload = excluded.payload, signature = excluded.signature,
           key_id = excluded.key_id, seq = excluded.seq, balance = excluded.balance,
           valid_until = excluded.valid_until, received_at = excluded.received_at
         WHERE excluded.seq > balance_statements.seq
            OR (excluded.seq = balance_statements.seq
                AND julianday(excluded.valid_until) > julianday(balance_statements.valid_until))`,
      )
      .run(
        s.accountId,
        s.payload,
        s.signature,
        s.keyId,
        s.seq,
        s.balance,
        s.validUntil,
        s.receivedAt ?? new Date().toISOString(),
      );
    return result.changes === 1;
  }

  latestStatement(accountId: string): BalanceStatementRow | null {
    const r = this.db.prepare('SELECT * FROM balance_statements WHERE account_id = ?').get(accountId) as
      StatementDbRow | undefined;
    if (!r) return null;
    return {
      accountId: r.account_id,
      payload: r.payload,
      signature: r.signature,
      keyId: r.key_id,
      seq: r.seq,
      balance: r.balance,
      validUntil: r.valid_until,
      receivedAt: r.received_at,
    };
  }

  quotaUsed(accountId: string, day: string): number {
    const used = this.db
      .prepare('SELECT used FROM free_quota WHERE account_id = ? AND day = ?')
      .pluck()
      .get(accountId, day) as number | undefined;
    return used ?? 0;
  }

  /**
   * Runs `fn` in a write transaction taken up front (BEGIN IMMEDIATE): two processes deciding on the
   * same quota or balance are serialised, so both cannot read "one left" and both take it.
   */
  exclusive<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  reservations(accountId: string): Reservation[] {
    return liveReservations(this.db, accountId);
  }

  reserve(r: Omit<Reservation, 'pid'>): void {
    addReservation(this.db, r);
  }

  releaseReservation(id: string): boolean {
    return removeReservation(this.db, id);
  }

  /** Returns the new count. Inside recordGeneration use its `{ quotaDay }` option instead. */
  incrementQuota(accountId: string, day: string, by = 1): number {
    return incrementQuotaIn(this.db, accountId, day, by);
  }
}
