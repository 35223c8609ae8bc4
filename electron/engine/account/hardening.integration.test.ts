/**
 * Issue 15's client findings against the REAL license server (server/src, PGlite in memory, HTTP on
 * 127.0.0.1) and a real SQLite store on disk: statements that expire while the balance does not move,
 * and a client that must not trust what a hostile server or a rolled-back profile hands it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../store';
import { tempDir } from '../testing/fixtures';
import { AuthSession } from './auth-session';
import { keychainService } from './credentials';
import { LicenseClient, LicenseRequestError } from './license-client';
import type { LedgerPort } from './ledger-port';
import { refreshPrices } from './prices';
import { storeLedger } from './store-ledger';
import { refreshBalance, type SyncTarget } from './sync';
import { MemoryCredentialStore } from '../testing/account-credentials';
import { startTestProxy } from '../testing/account-proxy';
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

  it('finding 9: a license server answering without end is cut off at 1 MiB with a clear error', async () => {
    // A hostile or broken server (not ours): streams a body that never ends, with no length.
    let sent = 0;
    const endless = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (res.write(chunk)) {
          sent += chunk.length;
          if (sent > 400 * 1024 * 1024) return res.end();
        }
        res.once('drain', pump);
      };
      pump();
    });
    await new Promise<void>((r) => endless.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `http://127.0.0.1:${(endless.address() as AddressInfo).port}`;
      const started = Date.now();
      const error = await new LicenseClient(url, { timeoutMs: 20_000 }).prices().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LicenseRequestError);
      expect((error as LicenseRequestError).message).toMatch(/too large \(over 1 MiB/);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(sent).toBeLessThan(32 * 1024 * 1024); // it stopped reading; nothing near 400 MB moved
    } finally {
      endless.closeAllConnections();
      await new Promise((r) => endless.close(r));
    }
  });

  it('finding 9: control characters in a server error message never reach the terminal', async () => {
    const evil = 'Refused\u001b[2J\u001b]0;pwned\u0007\r\nSigned in as admin\u202eexe.txt';
    const proxy = await startTestProxy({
      upstream: w.server.url,
      onAnswer: (e) =>
        e.path === '/v1/prices'
          ? {
              status: 400,
              body: Buffer.from(
                JSON.stringify({ error: { code: 'bad', message: evil, field: 'x\u001b[31m' } }),
              ),
            }
          : undefined,
    });
    try {
      const error = (await new LicenseClient(proxy.url)
        .prices()
        .catch((e: unknown) => e)) as LicenseRequestError;
      expect(error).toBeInstanceOf(LicenseRequestError);
      expect(error.message).toContain('Refused');
      expect(error.message).toContain('Signed in as admin');
      // eslint-disable-next-line no-control-regex -- looking for control characters is the point
      expect(error.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
    } finally {
      await proxy.close();
    }
  });
});
