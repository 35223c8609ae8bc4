/**
 * The token ledger: append-only credits and debits, each with a unique idempotency key, and the
 * balance row updated in the same transaction under a row lock, so concurrent batches from several
 * devices can neither apply a debit twice nor take the balance below zero.
 */
import type { Db, Queryable } from './db';
import type { ServerConfig } from './config';
import { signStatement, type SignedStatement } from './crypto';

export interface DebitRequest {
  id: string;
  operation: string;
  tokens: number;
  createdAt: string;
}

export type DebitResult = { id: string; status: 'applied' | 'duplicate' | 'rejected'; reason?: string };

async function lockBalance(tx: Queryable, accountId: string): Promise<{ balance: number; seq: number }> {
  const [row] = await tx.query<{ balance: string; seq: string }>(
    'SELECT balance, seq FROM balances WHERE account_id = $1 FOR UPDATE',
    [accountId],
  );
  if (!row) throw new Error(`no balance row for ${accountId}`);
  return { balance: Number(row.balance), seq: Number(row.seq) };
}

export async function credit(
  tx: Queryable,
  accountId: string,
  amount: number,
  reason: string,
  key: string,
): Promise<boolean> {
  const current = await lockBalance(tx, accountId);
  const inserted = await tx.query(
    `INSERT INTO ledger(account_id, kind, amount, reason, idempotency_key) VALUES ($1, 'credit', $2, $3, $4)
     ON CONFLICT (account_id, idempotency_key) DO NOTHING RETURNING id`,
    [accountId, amount, reason, key],
  );
  if (inserted.length === 0) return false;
  await tx.query('UPDATE balances SET balance = $2, seq = $3 WHERE account_id = $1', [
    accountId,
    current.balance + amount,
    current.seq + 1,
  ]);
  return true;
}

/**
 * Applies each debit exactly once per account; a repeat (same id from any of its devices) is reported as
 * a duplicate. Ids are scoped to the account, so another account's ids are neither visible nor in the
 * way. The same id with another operation or amount is `id_conflict`, failing that item alone.
 */
export async function applyDebits(
  db: Db,
  accountId: string,
  deviceId: string,
  debits: readonly DebitRequest[],
): Promise<DebitResult[]> {
  return db.transaction(async (tx) => {
    let { balance, seq } = await lockBalance(tx, accountId);
    const results: DebitResult[] = [];
    for (const debit of debits) {
      const [existing] = await tx.query<{ amount: string; reason: string; kind: string }>(
        'SELECT amount, reason, kind FROM ledger WHERE account_id = $1 AND idempotency_key = $2',
        [accountId, debit.id],
      );
      if (existing) {
        const same =
          existing.kind === 'debit' &&
          Number(existing.amount) === debit.tokens &&
          existing.reason === debit.operation;
        results.push(
          same
            ? { id: debit.id, status: 'duplicate' }
            : { id: debit.id, status: 'rejected', reason: 'id_conflict' },
        );
        continue;
      }
      if (debit.tokens > balance) {
        results.push({ id: debit.id, status: 'rejected', reason: 'insufficient_balance' });
        continue;
      }
      // Under the balance row lock no other transaction of this account can insert the key; DO NOTHING
      // still keeps a conflict to this one item instead of aborting the whole batch.
      const inserted = await tx.query(
        `INSERT INTO ledger(account_id, kind, amount, reason, idempotency_key, device_id) VALUES ($1, 'debit', $2, $3, $4, $5)
         ON CONFLICT (account_id, idempotency_key) DO NOTHING RETURNING id`,
        [accountId, debit.tokens, debit.operation, debit.id, deviceId],
      );
      if (inserted.length === 0) {
        results.push({ id: debit.id, status: 'rejected', reason: 'id_conflict' });
        continue;
      }
      balance -= debit.tokens;
      seq += 1;
      results.push({ id: debit.id, status: 'applied' });
    }
    await tx.query('UPDATE balances SET balance = $2, seq = $3 WHERE account_id = $1', [
      accountId,
      balance,
      seq,
    ]);
    return results;
  });
}

export async function statementFor(
  db: Queryable,
  config: ServerConfig,
  accountId: string,
): Promise<{ balance: number; statement: SignedStatement }> {
  const [row] = await db.query<{ balance: string; seq: string }>(
    'SELECT balance, seq FROM balances WHERE account_id = $1',
    [accountId],
  );
  const balance = Number(row?.balance ?? 0);
  const issuedAt = new Date();
  const validUntil = new Date(issuedAt.getTime() + config.statementHours * 3_600_000);
  return {
    balance,
    statement: signStatement(
      {
        accountId,
        balance,
        seq: Number(row?.seq ?? 0),
        issuedAt: issuedAt.toISOString(),
        validUntil: validUntil.toISOString(),
      },
      config.signingKey,
      config.keyId,
    ),
  };
}

/** The sum of the ledger, which must always equal the balance row (checked by the tests). */
export async function ledgerSum(db: Queryable, accountId: string): Promise<number> {
  const [row] = await db.query<{ total: string | null }>(
    `SELECT COALESCE(SUM(CASE WHEN kind = 'credit' THEN amount ELSE -amount END), 0) AS total FROM ledger WHERE account_id = $1`,
    [accountId],
  );
  return Number(row?.total ?? 0);
}
