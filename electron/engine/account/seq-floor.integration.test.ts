/**
 * Finding 9 (issue 15): the highest statement seq is kept in the REAL OS keychain beside the refresh
 * token, so an older statement written back into the profile's SQLite file is not spent from. Real
 * license server on 127.0.0.1, real store on disk; needs a Secret Service (dbus-run-session +
 * gnome-keyring), skipped with the reason otherwise and mandatory in CI.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../store';
import { tempDir } from '../testing/fixtures';
import {
  creditPack,
  passwordLogin,
  registerUser,
  startTestServer,
  type LicenseServer,
} from '../testing/account-server';
import { AuthSession } from './auth-session';
import { skipUnlessCI } from '../testing/ci';
import { keychainProblem } from '../testing/keychain';
import { keychainService, KeytarCredentialStore } from './credentials';
import { LicenseClient } from './license-client';
import { refreshPrices } from './prices';
import { storeLedger } from './store-ledger';
import { refreshBalance, syncDebits } from './sync';
import { recordArgs } from './ticket';
import { TokenGate } from './wallet';

const problem = await keychainProblem();
skipUnlessCI(problem, 'statement seq floor (needs the keychain)');

describe.skipIf(problem !== null)('statement seq floor in the keychain (real server, real keychain)', () => {
  let server: LicenseServer;
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    server = await startTestServer();
    tmp = tempDir('atelier-seq-floor-');
  });
  afterAll(async () => {
    await server.close();
    tmp.cleanup();
  });

  it('finding 9: an older statement written back into the database cannot be spent', async () => {
    const user = await registerUser(server.url);
    await creditPack(server, user);
    const credentials = new KeytarCredentialStore();
    const client = new LicenseClient(server.url);
    const tokens = await passwordLogin(server.url, user.email, user.password);
    const service = keychainService(server.url);
    await credentials.set(service, tokens.account.id, tokens.refresh_token);
    const store = Store.open({ database: path.join(tmp.dir, 'atelier.db') });
    try {
      const session = new AuthSession(client, credentials, tokens.account.id, tokens);
      const row = store.signIn(tokens.account.id, tokens.account.email);
      const ledger = storeLedger(store.db);
      await refreshPrices(ledger, client);
      const target = {
        ledger,
        session,
        localId: row.id,
        pinnedKeys: [{ publicKey: server.publicKeyBase64 }],
      };
      const account = { kind: 'signed_in', localId: row.id, serverId: tokens.account.id } as const;
      const gate = new TokenGate(ledger, account, target.pinnedKeys, undefined, {
        seqFloor: () => session.seqFloor(),
      });
      const before = await refreshBalance(target);
      const saved = store.db
        .prepare('SELECT * FROM balance_statements WHERE account_id = ?')
        .get(row.id) as Record<string, unknown>;
      const ticket = await gate.authorize('cutout');
      await store.recordGeneration(
        { accountId: row.id, operation: 'cutout', params: {}, status: 'done' },
        ...recordArgs(ticket, 'done'),
      );
      gate.release(ticket);
      const after = await syncDebits(target);
      expect(after.statement.seq).toBeGreaterThan(before.seq);
      // The floor is in the keychain, beside the refresh token.
      expect(await credentials.get(service, `${tokens.account.id}#statement-seq`)).toBe(
        String(after.statement.seq),
      );

      // Someone restores the statement from before the debit (its signature is genuine).
      store.db
        .prepare(
          'UPDATE balance_statements SET payload = ?, signature = ?, key_id = ?, seq = ?, balance = ?, valid_until = ? WHERE account_id = ?',
        )
        .run(
          saved.payload,
          saved.signature,
          saved.key_id,
          saved.seq,
          saved.balance,
          saved.valid_until,
          row.id,
        );
      await expect(gate.authorize('cutout')).rejects.toMatchObject({
        code: 'AUTH',
        message: expect.stringMatching(/older than one this device already received/),
      });
      // Syncing brings the real, newer statement back; spending works again.
      await refreshBalance(target);
      const again = await gate.authorize('cutout');
      gate.release(again);
    } finally {
      store.close();
      await credentials.delete(service, tokens.account.id).catch(() => false);
      await credentials.delete(service, `${tokens.account.id}#statement-seq`).catch(() => false);
    }
  });
});
