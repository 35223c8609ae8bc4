/**
 * The token gate: `authorize(operation)` decides BEFORE the engine runs whether a generation may happen,
 * and returns the DebitTicket that the caller hands to the store's recordGeneration (which writes the
 * generation row and its debit in one transaction). Nothing is written here, so a failed generation,
 * which is never recorded with its ticket, costs nothing.
 *
 * Signed in, the spendable balance is the last verified signed statement minus pending debits, and only
 * until the statement's validUntil; the stored statement is re-verified every time, because the balance
 * must never rest on the local SQLite file alone. Anonymous, a daily free quota is counted locally.
 *
 * Each authorization is a reservation in the profile's database, decided and written in one exclusive
 * transaction, so the CLI, serve and the app on one profile never exceed the quota or the balance
 * together. When the only thing in the way is generations still in flight, the gate waits for them
 * instead of refusing: one of them may fail and free its place, and a refusal must not stop a batch
 * while items it already admitted are still running (they finish; only the ones not started stop).
 */
import { randomUUID } from 'node:crypto';
import { AtelierError } from '../errors';
import type { HeldReservation, LedgerPort } from './ledger-port';
import { cachedPrices, priceOf } from './prices';
import { verifyStatement, type PinnedKey, type VerifiedStatement } from './statement';

export type WalletAccount =
  | { kind: 'anonymous'; localId: string }
  | { kind: 'signed_in'; localId: string; serverId: string; email?: string };

export interface DebitTicket {
  /** UUID v4: the debit's id and its idempotency key on the server. */
  readonly id: string;
  /** The local account the generation is recorded under. */
  readonly accountId: string;
  readonly operation: string;
  /** Tokens to debit; 0 for a generation paid by the free quota. */
  readonly tokens: number;
  readonly createdAt: string;
  readonly kind: 'tokens' | 'free_quota';
  /** For free-quota tickets: the local day (YYYY-MM-DD) whose counter the generation increments. */
  readonly quotaDay?: string;
}

/** Why the gate is closed when sync learned the server will refuse this device (stored in settings). */
export const SYNC_BLOCK_KEY = 'account.syncBlocked';

export interface Spendable {
  balance: number;
  pending: number;
  spendable: number;
  validUntil: Date;
  expired: boolean;
  statement: VerifiedStatement;
}

/** The local calendar day, which is what a person means by "today's free generations". */
export function localDay(at: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${p(at.getMonth() + 1)}-${p(at.getDate())}`;
}

type Attempt = { ticket: DebitTicket } | { refusal: AtelierError; mine: number; others: number };

export interface TokenGateOptions {
  /** How long to wait for another process's generations in flight before refusing (ms). */
  waitForOthersMs?: number;
  /**
   * The highest statement seq this device accepted, from the keychain (seq-floor.ts): a stored
   * statement below it was rolled back in the SQLite file and is not spent from.
   */
  seqFloor?: () => Promise<number>;
}

export class TokenGate {
  /** Wakes authorizations waiting on this process's reservations when one is released. */
  private waiters: Array<() => void> = [];

  constructor(
    private readonly ledger: LedgerPort,
    private readonly account: WalletAccount,
    private readonly pinnedKeys: readonly PinnedKey[],
    private readonly now: () => Date = () => new Date(),
    private readonly options: TokenGateOptions = {},
  ) {}

  async authorize(operation: string): Promise<DebitTicket> {
    const othersDeadline = Date.now() + (this.options.waitForOthersMs ?? 60_000);
    const floor =
      this.account.kind === 'signed_in' && this.options.seqFloor ? await this.options.seqFloor() : 0;
    for (;;) {
      // In its turn: a batch's previous item may be writing its history record right now.
      const decide = () => this.ledger.exclusive(() => this.attempt(operation, floor));
      const attempt = this.ledger.turn ? await this.ledger.turn(decide) : decide();
      if ('ticket' in attempt) return attempt.ticket;
      // Refuse once nothing in flight can free a place. This process's own generations always finish
      // (or fail) and are waited for; another process's only for a while (it may be paused).
      if (attempt.mine + attempt.others === 0) throw attempt.refusal;
      if (attempt.mine === 0 && Date.now() >= othersDeadline) throw attempt.refusal;
      await this.waitForRelease(attempt.mine > 0 ? 50 : 200);
    }
  }

  /** Ends a ticket's reservation: call it once the generation is recorded, or when it failed. */
  release(ticket: DebitTicket): void {
    try {
      this.ledger.releaseReservation(ticket.id);
    } catch {
      // A full or busy disk must not turn a finished item into a crash: the row stays, names this
      // process, and is swept as soon as the process is gone (and expires after 24 h regardless).
    }
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private waitForRelease(pollMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, pollMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.waiters.push(done);
    });
  }

  /** One decision, inside the exclusive transaction: a reservation written, or why not. */
  private attempt(operation: string, seqFloor: number): Attempt {
    const now = this.now();
    const prices = cachedPrices(this.ledger).value;
    const base = {
      id: randomUUID(),
      accountId: this.account.localId,
      operation,
      createdAt: now.toISOString(),
    };
    const held = this.ledger.reservations(this.account.localId);
    if (this.account.kind === 'anonymous') {
      const day = localDay(now);
      const inFlight = held.filter((r) => r.kind === 'free_quota' && r.day === day);
      const used = this.ledger.quotaUsed(this.account.localId, day);
      const limit = prices.freeDailyQuota;
      if (used + inFlight.length >= limit) {
        const busy = inFlight.length ? `, ${inFlight.length} more in progress` : '';
        return {
          refusal: new AtelierError(
            'INSUFFICIENT_TOKENS',
            `Today's ${limit} free generations are used up (${used} of ${limit}${busy})`,
            { hint: 'sign in and buy tokens (atelier login, then atelier buy), or wait until tomorrow' },
          ),
          ...split(inFlight),
        };
      }
      return this.hold({ ...base, tokens: 0, kind: 'free_quota', quotaDay: day });
    }
    const tokens = priceOf(prices, operation);
    if (tokens === undefined) {
      throw new AtelierError('USAGE', `No token price is known for the operation "${operation}"`, {
        hint: 'connect to the internet so Atelier can fetch the current prices, or update Atelier',
      });
    }
    const s = this.spendable();
    if (s.statement.seq < seqFloor) {
      throw new AtelierError(
        'AUTH',
        `The stored token balance is older than one this device already received (seq ${s.statement.seq} < ${seqFloor}): the history database was restored or edited`,
        {
          hint: 'connect to the internet so Atelier can sync your balance (atelier balance), then try again',
        },
      );
    }
    if (s.expired) {
      throw new AtelierError(
        'AUTH',
        `Your token balance has not been confirmed by the server since ${s.statement.issuedAt.toISOString()} (valid until ${s.validUntil.toISOString()})`,
        {
          hint: 'connect to the internet so Atelier can sync your balance (atelier balance), then try again',
        },
      );
    }
    if (tokens > s.spendable) {
      const inFlight = held.filter((r) => r.kind === 'tokens' && r.tokens > 0);
      return {
        refusal: new AtelierError(
          'INSUFFICIENT_TOKENS',
          `Not enough tokens for ${operation}: it costs ${tokens}, ${s.spendable} left`,
          { hint: 'buy tokens (atelier buy) and try again' },
        ),
        ...split(inFlight),
      };
    }
    return this.hold({ ...base, tokens, kind: 'tokens' });
  }

  /** The verified balance minus pending and reserved debits (signed-in accounts only). */
  spendable(): Spendable {
    if (this.account.kind !== 'signed_in') {
      throw new AtelierError('AUTH', 'Anonymous use has a daily free quota, not a token balance', {
        hint: 'sign in to use tokens (atelier login)',
      });
    }
    const blocked = this.ledger.getSetting(this.account.localId, SYNC_BLOCK_KEY);
    if (typeof blocked === 'string') {
      throw new AtelierError('AUTH', `Token use is blocked: ${blocked}`, {
        hint: 'sign in again (atelier login)',
      });
    }
    const stored = this.ledger.latestStatement(this.account.localId);
    if (!stored) {
      throw new AtelierError(
        'AUTH',
        `No confirmed token balance yet for ${this.account.email ?? this.account.serverId}`,
        {
          hint: 'connect to the internet so Atelier can fetch your balance (atelier balance)',
        },
      );
    }
    const statement = verifyStatement(
      { payload: stored.payload, signature: stored.signature, keyId: stored.keyId },
      this.pinnedKeys,
      { accountId: this.account.serverId },
    );
    const pendingIds = new Set<string>();
    let pending = 0;
    for (const d of this.ledger.pendingDebits(this.account.localId)) {
      pendingIds.add(d.id);
      pending += d.tokens;
    }
    // Reservations of every process on the profile; a recorded one is already a pending debit.
    for (const r of this.ledger.reservations(this.account.localId))
      if (r.kind === 'tokens' && !pendingIds.has(r.id)) pending += r.tokens;
    return {
      balance: statement.balance,
      pending,
      spendable: Math.max(0, statement.balance - pending),
      validUntil: statement.validUntil,
      expired: this.now().getTime() >= statement.validUntil.getTime(),
      statement,
    };
  }

  private hold(ticket: DebitTicket): { ticket: DebitTicket } {
    this.ledger.reserve(this.account.localId, {
      id: ticket.id,
      kind: ticket.kind,
      ...(ticket.quotaDay ? { day: ticket.quotaDay } : {}),
      tokens: ticket.tokens,
      createdAt: ticket.createdAt,
    });
    return { ticket };
  }
}

function split(held: readonly HeldReservation[]): { mine: number; others: number } {
  const mine = held.filter((r) => r.mine).length;
  return { mine, others: held.length - mine };
}
