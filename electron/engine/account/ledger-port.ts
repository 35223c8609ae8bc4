/**
 * What the account module needs from the local store (electron/engine/store), as one narrow interface:
 * the wallet and the sync loop are written against it, and `storeLedger()` binds it to the SQLite store.
 */
export type DebitState = 'pending' | 'confirmed' | 'rejected';

export interface LedgerDebit {
  id: string;
  operation: string;
  tokens: number;
  createdAt: string;
}

/** A signed statement as kept on disk: the signed form plus the fields needed to query it. */
export interface StoredStatement {
  payload: string;
  signature: string;
  keyId: string;
  seq: number;
  balance: number;
  validUntil: string;
}

/** A generation authorized and not yet recorded, by this or another process on the profile. */
export interface HeldReservation {
  id: string;
  kind: 'free_quota' | 'tokens';
  day: string | null;
  tokens: number;
  /** Held by this process (its generations progress while we wait) rather than another one. */
  mine: boolean;
}

export interface LedgerPort {
  /** Runs `fn` atomically against every process using the profile (a write transaction taken first). */
  exclusive<T>(fn: () => T): T;
  /**
   * Runs `write` when this process's other writes to the profile are done (store/write-turns.ts), so
   * it never waits for the file inside SQLite on the engine's thread; absent, `write` runs at once.
   */
  turn?<T>(write: () => T): Promise<T>;
  /** Live reservations of the account (a dead process's are dropped). */
  reservations(accountId: string): HeldReservation[];
  reserve(
    accountId: string,
    r: { id: string; kind: 'free_quota' | 'tokens'; day?: string; tokens: number; createdAt: string },
  ): void;
  /** Ends a reservation not consumed by a recorded generation; false when it was already gone. */
  releaseReservation(id: string): boolean;
  pendingDebits(accountId: string): LedgerDebit[];
  /** Marks debits confirmed/rejected; with a statement, saves it in the same transaction (first). */
  settleDebits(
    accountId: string,
    settled: Array<{ id: string; state: Exclude<DebitState, 'pending'>; error?: string }>,
    statement?: StoredStatement,
  ): void;
  saveStatement(accountId: string, statement: StoredStatement): void;
  latestStatement(accountId: string): StoredStatement | undefined;
  quotaUsed(accountId: string, day: string): number;
  getSetting(accountId: string | null, key: string): unknown;
  setSetting(accountId: string | null, key: string, value: unknown): void;
}
