/**
 * The token gate against a real SQLite store on disk. Statements are signed by a real Ed25519 key held
 * by the test (the integration test uses the real license server).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/fixtures';
import { Store } from '../store';
import { AtelierError } from '../errors';
import { storeLedger } from './store-ledger';
import { testSigner } from '../testing/account-signer';
import { recordArgs } from './ticket';
import { SYNC_BLOCK_KEY, TokenGate, localDay, type WalletAccount } from './wallet';
import type { LedgerPort } from './ledger-port';

let tmp: ReturnType<typeof tempDir>;
let store: Store;
let ledger: LedgerPort;
const signer = testSigner();

beforeEach(() => {
  tmp = tempDir('atelier-wallet-');
  store = Store.open({ database: `${tmp.dir}/atelier.db` });
  ledger = storeLedger(store.db);
});
afterEach(() => {
  store.close();
  tmp.cleanup();
});

function signedIn(balance: number, validUntil?: string): WalletAccount {
  const row = store.signIn('srv-1', 'a@example.com');
  const s = signer.issue({ accountId: 'srv-1', balance, seq: 1, validUntil });
  ledger.saveStatement(row.id, {
    ...s,
    seq: 1,
    balance,
    validUntil: validUntil ?? '2999-01-01T00:00:00.000Z',
  });
  return { kind: 'signed_in', localId: row.id, serverId: 'srv-1', email: 'a@example.com' };
}

async function generate(gate: TokenGate, operation: string, status: 'done' | 'failed' = 'done') {
  const ticket = await gate.authorize(operation);
  try {
    await store.recordGeneration(
      { accountId: ticket.accountId, operation, params: {}, status },
      ...recordArgs(ticket, status),
    );
  } finally {
    gate.release(ticket);
  }
  return ticket;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(AtelierError);
  return (e as AtelierError).code;
}

describe('TokenGate, signed in', () => {
  it('spends the verified balance minus pending debits, then refuses with INSUFFICIENT_TOKENS', async () => {
    const gate = new TokenGate(ledger, signedIn(3), [signer.pinned]);
    await generate(gate, 'stylize'); // 2 tokens
    expect(gate.spendable()).toMatchObject({ balance: 3, pending: 2, spendable: 1 });
    await expect(gate.authorize('stylize')).rejects.toMatchObject({
      code: 'INSUFFICIENT_TOKENS',
      hint: expect.stringMatching(/buy/),
    });
    await generate(gate, 'cutout');
    expect(gate.spendable().spendable).toBe(0);
    expect(ledger.pendingDebits(store.currentAccountId).map((d) => d.tokens)).toEqual([2, 1]);
  });

  it('charges nothing for a failed generation', async () => {
    const gate = new TokenGate(ledger, signedIn(1), [signer.pinned]);
    await generate(gate, 'cutout', 'failed');
    expect(gate.spendable()).toMatchObject({ pending: 0, spendable: 1 });
    expect(ledger.pendingDebits(store.currentAccountId)).toEqual([]);
  });

  it('counts tickets in flight so concurrent authorizations cannot overspend: a third waits for a place', async () => {
    const gate = new TokenGate(ledger, signedIn(2), [signer.pinned]);
    const a = await gate.authorize('cutout');
    const b = await gate.authorize('cutout');
    let third: string | undefined;
    const waiting = gate.authorize('cutout').then((t) => (third = t.id));
    await new Promise((r) => setTimeout(r, 150));
    expect(third).toBeUndefined(); // both tokens are reserved: it waits, it does not overspend
    gate.release(b); // b's generation failed: its reservation is returned, the third takes it
    await waiting;
    expect([a.id, third].every((id) => /^[0-9a-f-]{36}$/.test(id ?? ''))).toBe(true);
    // Once a's generation is recorded (its debit pending), nothing is in flight: refused at once.
    await store.recordGeneration(
      { accountId: a.accountId, operation: 'cutout', params: {}, status: 'done' },
      ...recordArgs(a, 'done'),
    );
    gate.release(a);
    expect(gate.spendable()).toMatchObject({ pending: 2, spendable: 0 });
  });

  it('blocks after validUntil with an AUTH error saying to connect and sync', async () => {
    const gate = new TokenGate(ledger, signedIn(50, '2020-01-01T00:00:00.000Z'), [signer.pinned]);
    await expect(gate.authorize('cutout')).rejects.toMatchObject({
      code: 'AUTH',
      hint: expect.stringMatching(/sync/),
    });
  });

  it('re-verifies the stored statement: a balance edited in the SQLite file is refused', async () => {
    const account = signedIn(1);
    const s = signer.issue({ accountId: 'srv-1', balance: 1, seq: 1 });
    const forged = JSON.parse(Buffer.from(s.payload, 'base64url').toString()) as Record<string, unknown>;
    forged.balance = 1_000_000;
    store.db
      .prepare('UPDATE balance_statements SET payload = ?, seq = 2, balance = 1000000 WHERE account_id = ?')
      .run(Buffer.from(JSON.stringify(forged)).toString('base64url'), account.localId);
    const gate = new TokenGate(ledger, account, [signer.pinned]);
    await expect(gate.authorize('cutout')).rejects.toMatchObject({
      code: 'AUTH',
      message: expect.stringMatching(/signature/),
    });
  });

  it('refuses when no statement was ever received, or when sync found the device revoked', async () => {
    const row = store.signIn('srv-2', 'b@example.com');
    const account: WalletAccount = { kind: 'signed_in', localId: row.id, serverId: 'srv-2' };
    const gate = new TokenGate(ledger, account, [signer.pinned]);
    await expect(gate.authorize('cutout')).rejects.toMatchObject({
      code: 'AUTH',
      message: expect.stringMatching(/No confirmed/),
    });
    const other = new TokenGate(ledger, signedIn(10), [signer.pinned]);
    ledger.setSetting(store.currentAccountId, SYNC_BLOCK_KEY, 'this device was removed from your account');
    await expect(other.authorize('cutout')).rejects.toMatchObject({
      code: 'AUTH',
      message: expect.stringMatching(/removed/),
    });
  });
});

describe('TokenGate, anonymous', () => {
  const anonymous: WalletAccount = { kind: 'anonymous', localId: 'local' };

  it('allows the daily free quota, counted in free_quota, then refuses until the next day', async () => {
    let now = new Date(2026, 10, 22, 12, 0, 0);
    const gate = new TokenGate(ledger, anonymous, [], () => now);
    for (let i = 0; i < 10; i++) await generate(gate, 'cutout');
    expect(ledger.quotaUsed('local', '2026-11-22')).toBe(10);
    const e = await gate.authorize('cutout').catch((x: AtelierError) => x);
    expect(e).toMatchObject({ code: 'INSUFFICIENT_TOKENS', message: expect.stringMatching(/10 free/) });
    now = new Date(2026, 10, 23, 0, 5, 0);
    expect((await gate.authorize('cutout')).quotaDay).toBe(localDay(now));
  });

  it('uses freeDailyQuota from the cached price list when known', async () => {
    ledger.setSetting(null, 'account.prices', {
      fetchedAt: new Date().toISOString(),
      value: { prices: { cutout: 1 }, freeDailyQuota: 2 },
    });
    const gate = new TokenGate(ledger, anonymous, []);
    await generate(gate, 'cutout');
    await generate(gate, 'cutout');
    expect(await codeOf(gate.authorize('cutout'))).toBe('INSUFFICIENT_TOKENS');
  });
});
