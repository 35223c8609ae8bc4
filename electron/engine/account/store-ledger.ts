/** Binds the account module's LedgerPort to the profile's SQLite store (electron/engine/store). */
import type { Db } from '../store/database';
import { Ledger } from '../store/ledger';
import { getSetting, setSetting } from '../store/settings';
import { writeTurns } from '../store/write-turns';
import type { LedgerPort, StoredStatement } from './ledger-port';

export function storeLedger(db: Db): LedgerPort {
  const ledger = new Ledger(db);
  const save = (accountId: string, s: StoredStatement) => {
    ledger.saveStatement({ accountId, ...s });
  };
  return {
    exclusive: (fn) => ledger.exclusive(fn),
    turn: (write) => writeTurns(db.name).take(write),
    reservations: (accountId) =>
      ledger.reservations(accountId).map((r) => ({
        id: r.id,
        kind: r.kind,
        day: r.day,
        tokens: r.tokens,
        mine: r.pid === process.pid,
      })),
    reserve: (accountId, r) =>
      ledger.reserve({
        id: r.id,
        accountId,
        kind: r.kind,
        day: r.day ?? null,
        tokens: r.tokens,
        createdAt: r.createdAt,
      }),
    releaseReservation: (id) => ledger.releaseReservation(id),
    pendingDebits: (accountId) =>
      ledger.pendingDebits(accountId).map((d) => ({
        id: d.id,
        operation: d.operation,
        tokens: d.tokens,
        createdAt: d.createdAt,
      })),
    settleDebits(accountId, settled, statement) {
      // The statement first, in the same transaction: confirmed debits must never be subtracted from a
      // balance that does not include them yet (a crash in between would let the app overspend).
      db.transaction(() => {
        if (statement) save(accountId, statement);
        for (const state of ['confirmed', 'rejected'] as const) {
          const group = settled.filter((s) => s.state === state);
          const byError = new Map<string | null, string[]>();
          for (const s of group) {
            const key = s.error ?? null;
            byError.set(key, [...(byError.get(key) ?? []), s.id]);
          }
          for (const [error, ids] of byError) ledger.markDebits(ids, state, error);
        }
      }).immediate();
    },
    saveStatement: save,
    latestStatement: (accountId) => {
      const s = ledger.latestStatement(accountId);
      return s
        ? {
            payload: s.payload,
            signature: s.signature,
            keyId: s.keyId,
            seq: s.seq,
            balance: s.balance,
            validUntil: s.validUntil,
          }
        : undefined;
    },
    quotaUsed: (accountId, day) => ledger.quotaUsed(accountId, day),
    getSetting: (accountId, key) => getSetting(db, accountId, key),
    setSetting: (accountId, key, value) => setSetting(db, accountId, key, value),
  };
}
