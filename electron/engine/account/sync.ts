/**
 * Token sync: sends pending debits to the server in batches of at most 500 and settles them from the
 * server's answer only. A debit is marked confirmed when the server says "applied" or "duplicate" (a
 * re-send after a lost answer or a killed process), rejected when it says "rejected", and otherwise
 * stays pending, so a server that vanishes mid-request or an app killed mid-sync loses nothing and
 * never double-spends: the debit id is the idempotency key.
 */
import { randomUUID } from 'node:crypto';
import { AtelierError } from '../errors';
import type { AuthSession } from './auth-session';
import type { LedgerPort, StoredStatement } from './ledger-port';
import { LicenseRequestError } from './license-client';
import { verifyStatement, type PinnedKey, type SignedStatement, type VerifiedStatement } from './statement';
import { SYNC_BLOCK_KEY } from './wallet';

export const MAX_DEBITS_PER_REQUEST = 500;
export const DEVICE_ID_KEY = 'account.deviceId';
/**
 * This installation's id for the account, kept before the first registration is sent: a registration
 * sent again after a lost answer names the same installation, and the server answers the same device
 * instead of adding one (a retrying client once filled the account's device limit by itself).
 */
export const INSTALL_ID_KEY = 'account.installId';

export interface SyncTarget {
  ledger: LedgerPort;
  session: AuthSession;
  localId: string;
  pinnedKeys: readonly PinnedKey[];
  /** Name and platform used when this profile registers itself as a device. */
  device?: { name: string; platform: string };
  signal?: AbortSignal;
}

export interface SyncResult {
  sent: number;
  confirmed: number;
  rejected: Array<{ id: string; reason: string }>;
  statement: VerifiedStatement;
}

export function toStored(s: VerifiedStatement): StoredStatement {
  return {
    payload: s.signed.payload,
    signature: s.signed.signature,
    keyId: s.signed.keyId,
    seq: s.seq,
    balance: s.balance,
    validUntil: s.validUntil.toISOString(),
  };
}

/** Verifies a statement from the server; `older` is true when a newer one is already stored. */
function checkStatement(
  t: SyncTarget,
  signed: SignedStatement,
): { statement: VerifiedStatement; older: boolean } {
  const statement = verifyStatement(signed, t.pinnedKeys, { accountId: t.session.accountId });
  const held = t.ledger.latestStatement(t.localId);
  return { statement, older: held !== undefined && statement.seq < held.seq };
}

async function deviceId(t: SyncTarget): Promise<string> {
  const known = t.ledger.getSetting(t.localId, DEVICE_ID_KEY);
  if (typeof known === 'string' && known) return known;
  const device = t.device ?? { name: 'Atelier', platform: process.platform };
  const kept = t.ledger.getSetting(t.localId, INSTALL_ID_KEY);
  const install = typeof kept === 'string' && kept ? kept : randomUUID();
  if (install !== kept) t.ledger.setSetting(t.localId, INSTALL_ID_KEY, install);
  const { deviceId: id } = await t.session.withToken((tok) =>
    t.session.client.registerDevice(tok, device.name, device.platform, install),
  );
  t.ledger.setSetting(t.localId, DEVICE_ID_KEY, id);
  return id;
}

/** Fetches the balance, verifies it and stores it; an older statement than the one held is refused. */
export async function refreshBalance(t: SyncTarget): Promise<VerifiedStatement> {
  const answer = await t.session.withToken((tok) => t.session.client.balance(tok, t.signal));
  const held = t.ledger.latestStatement(t.localId);
  const floor = await t.session.seqFloor();
  const statement = verifyStatement(answer.statement, t.pinnedKeys, {
    accountId: t.session.accountId,
    minSeq: Math.max(held?.seq ?? 0, floor),
  });
  t.ledger.saveStatement(t.localId, toStored(statement));
  await t.session.raiseSeqFloor(statement.seq);
  return statement;
}

/** One full sync: every pending debit, batch after batch, then the fresh balance. */
export async function syncDebits(t: SyncTarget): Promise<SyncResult> {
  const result: Omit<SyncResult, 'statement'> & { statement?: VerifiedStatement } = {
    sent: 0,
    confirmed: 0,
    rejected: [],
  };
  const seen = new Set<string>();
  try {
    for (;;) {
      // Debits the server left unanswered stay pending; `seen` stops a loop on them within one sync.
      const batch = t.ledger
        .pendingDebits(t.localId)
        .filter((d) => !seen.has(d.id))
        .slice(0, MAX_DEBITS_PER_REQUEST);
      if (batch.length === 0) break;
      for (const d of batch) seen.add(d.id);
      const device = await deviceId(t);
      const answer = await t.session.withToken((tok) => t.session.client.usage(tok, device, batch, t.signal));
      const { statement, older } = checkStatement(t, answer.statement);
      const sentIds = new Set(batch.map((d) => d.id));
      const settled = answer.results
        .filter((r) => sentIds.has(r.id))
        .map((r) =>
          r.status === 'rejected'
            ? { id: r.id, state: 'rejected' as const, error: r.reason ?? 'rejected' }
            : { id: r.id, state: 'confirmed' as const },
        );
      // An older statement (another process synced in between) is not kept, but its results still
      // hold: the newer statement already includes every debit the server applied before it.
      t.ledger.settleDebits(t.localId, settled, older ? undefined : toStored(statement));
      if (!older) await t.session.raiseSeqFloor(statement.seq);
      result.sent += batch.length;
      result.confirmed += settled.filter((s) => s.state === 'confirmed').length;
      for (const s of settled)
        if (s.state === 'rejected') result.rejected.push({ id: s.id, reason: s.error ?? '' });
      result.statement = older ? result.statement : statement;
    }
    const statement = await refreshBalance(t);
    t.ledger.setSetting(t.localId, SYNC_BLOCK_KEY, null);
    return { ...result, statement };
  } catch (error) {
    if (error instanceof LicenseRequestError && error.serverCode === 'device_revoked') {
      // Pending debits are kept for when the user signs in again; spending stops until then.
      t.ledger.setSetting(t.localId, SYNC_BLOCK_KEY, 'this device was removed from your account');
      t.ledger.setSetting(t.localId, DEVICE_ID_KEY, null);
    }
    throw error;
  }
}

export function isRetryable(error: unknown): boolean {
  return error instanceof LicenseRequestError ? error.retryable : !(error instanceof AtelierError);
}
