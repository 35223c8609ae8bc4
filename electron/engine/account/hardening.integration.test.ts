/**
 * Issue 15's client findings against the REAL license server (server/src, PGlite in memory, HTTP on
 * 127.0.0.1) and a real SQLite store on disk: statements that expire while the balance does not move,
 * and a client that must not trust what a hostile server or a rolled-back profile hands it.
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../store';
import { tempDir } from '../testing/fixtures';
import { AuthSession } from './auth-session';
import { keychainService } from './credentials';
import { LicenseClient } from './license-client';
import type { LedgerPort } from './ledger-port';
import { refreshPrices } from './prices';
import { storeLedger } from './store-ledger';
import { refreshBalance, type SyncTarget } from './sync';
import { MemoryCredentialStore } from '../testing/account-credentials';
import {
  creditPack,
  passwordLogin,
  registerUser,
  startTestServer,
  type LicenseServer,
} from '../testing/account-server';
import { TokenGate } from './wallet';

const HOUR = 3_600_000;

interface World {
  tmp: ReturnType<typeof tempDir>;
  server: LicenseServer;
  store: Store;
  ledger: LedgerPort;
  account: { kind: 'signed_in'; localId: string; serverId: string };
  credentials: MemoryCredentialStore;
  target: SyncTarget;
  credited: number;
}

let w: World;

beforeEach(async () => {
  const tmp = tempDir('atelier-hardening-');
  const server = await startTestServer();
  const user = await registerUser(server.url);
  const credited = await creditPack(server, user);
  const client = new LicenseClient(server.url, { timeoutMs: 5000 });
  const tokens = await passwordLogin(server.url, user.email, user.password);
  const credentials = new MemoryCredentialStore();
  await credentials.set(keychainService(server.url), tokens.account.id, tokens.refresh_token);
  const session = new AuthSession(client, credentials, tokens.account.id, tokens);
  const store = Store.open({ database: path.join(tmp.dir, 'atelier.db') });
  const row = store.signIn(tokens.account.id, tokens.account.email);
  const ledger = storeLedger(store.db);
  const account = { kind: 'signed_in', localId: row.id, serverId: tokens.account.id } as const;
  const pinnedKeys = [{ publicKey: server.publicKeyBase64 }];
  w = {
    tmp,
    server,
    store,
    ledger,
    account,
    credentials,
    credited,
    target: { ledger, session, localId: row.id, pinnedKeys },
  };
  await refreshPrices(ledger, client);
});

afterEach(async () => {
  w.store.close();
  await w.server.close().catch(() => undefined);
  w.tmp.cleanup();
});

describe('issue 15, client findings (real license server)', () => {
  it('finding 1: a fresh statement with the same seq and a later validUntil is stored, so an unchanged balance can be spent after the old one expired', async () => {
    // The server signs statements valid for 1 hour, then (a later fetch, balance unchanged) for 72.
    w.server.config.statementHours = 1;
    const first = await refreshBalance(w.target);
    w.server.config.statementHours = 72;
    const second = await refreshBalance(w.target);
    expect(second.seq).toBe(first.seq);
    expect(second.validUntil.getTime()).toBeGreaterThan(first.validUntil.getTime());
    expect(w.ledger.latestStatement(w.account.localId)?.validUntil).toBe(second.validUntil.toISOString());

    // Two hours later the first statement has expired; the second one still holds.
    const later = () => new Date(Date.now() + 2 * HOUR);
    const gate = new TokenGate(w.ledger, w.account, w.target.pinnedKeys, later);
    expect(gate.spendable()).toMatchObject({ expired: false, balance: w.credited });
    const ticket = await gate.authorize('cutout');
    expect(ticket.tokens).toBeGreaterThan(0);
    gate.release(ticket);

    // The same seq valid for LESS long (an older copy of the same state) does not replace it.
    w.server.config.statementHours = 1;
    await refreshBalance(w.target);
    expect(w.ledger.latestStatement(w.account.localId)?.validUntil).toBe(second.validUntil.toISOString());
  });
});
