/**
 * Token sync against the REAL license server (server/src, PGlite in memory, HTTP on 127.0.0.1) and a
 * real SQLite store on disk. A test proxy plays the network's failures: answers lost after the server
 * acted, a replayed older statement, a tampered one. The refresh token lives in an in-memory
 * CredentialStore here because these tests are not about the keychain (sign-in.integration.test.ts is).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AtelierError } from '../errors';
import { Store } from '../store';
import { tempDir } from '../testing/fixtures';
import { AuthSession } from './auth-session';
import { keychainService } from './credentials';
import { LicenseClient, LicenseRequestError } from './license-client';
import type { LedgerPort } from './ledger-port';
import { refreshPrices } from './prices';
import { storeLedger } from './store-ledger';
import { DEVICE_ID_KEY, MAX_DEBITS_PER_REQUEST, refreshBalance, syncDebits, type SyncTarget } from './sync';
import { SyncLoop, type SyncStatus } from './sync-loop';
import { MemoryCredentialStore } from '../testing/account-credentials';
import {
  startTestProxy,
  type ProxyDecision,
  type ProxiedExchange,
  type TestProxy,
} from '../testing/account-proxy';
import {
  creditPack,
  passwordLogin,
  registerUser,
  startTestServer,
  type LicenseServer,
} from '../testing/account-server';
import { recordArgs } from './ticket';
import { TokenGate, type WalletAccount } from './wallet';

const here = path.dirname(fileURLToPath(import.meta.url));

interface World {
  tmp: ReturnType<typeof tempDir>;
  server: LicenseServer;
  proxy: TestProxy;
  onAnswer: (e: ProxiedExchange) => ProxyDecision | Promise<ProxyDecision>;
  store: Store;
  ledger: LedgerPort;
  account: Extract<WalletAccount, { kind: 'signed_in' }>;
  credentials: MemoryCredentialStore;
  session: AuthSession;
  target: SyncTarget;
  gate: TokenGate;
  credited: number;
  user: { email: string; password: string };
  accessToken: string;
}

let w: World;

beforeEach(async () => {
  const tmp = tempDir('atelier-sync-');
  const server = await startTestServer();
  const user = await registerUser(server.url);
  const credited = await creditPack(server, user);
  const partial = { tmp, server, credited, user } as unknown as World;
  partial.onAnswer = () => undefined;
  const proxy = await startTestProxy({ upstream: server.url, onAnswer: (e) => w.onAnswer(e) });
  const client = new LicenseClient(proxy.url, { timeoutMs: 5000 });
  const tokens = await passwordLogin(server.url, user.email, user.password);
  const credentials = new MemoryCredentialStore();
  await credentials.set(keychainService(proxy.url), tokens.account.id, tokens.refresh_token);
  const session = new AuthSession(client, credentials, tokens.account.id, tokens);
  const store = Store.open({ database: path.join(tmp.dir, 'atelier.db') });
  const row = store.signIn(tokens.account.id, tokens.account.email);
  const ledger = storeLedger(store.db);
  const account = { kind: 'signed_in', localId: row.id, serverId: tokens.account.id } as const;
  const pinnedKeys = [{ publicKey: server.publicKeyBase64 }];
  w = Object.assign(partial, {
    proxy,
    store,
    ledger,
    account,
    credentials,
    session,
    accessToken: tokens.access_token,
    target: { ledger, session, localId: row.id, pinnedKeys },
    gate: new TokenGate(ledger, account, pinnedKeys),
  });
  await refreshPrices(ledger, client);
});

afterEach(async () => {
  w.store.close();
  await w.proxy.close();
  await w.server.close().catch(() => undefined);
  w.tmp.cleanup();
});

async function generate(operation: string): Promise<void> {
  const ticket = await w.gate.authorize(operation);
  try {
    await w.store.recordGeneration(
      { accountId: ticket.accountId, operation, params: {}, status: 'done' },
      ...recordArgs(ticket, 'done'),
    );
  } finally {
    w.gate.release(ticket);
  }
}

async function serverBalance(): Promise<number> {
  return (await new LicenseClient(w.server.url).balance(w.accessToken)).balance;
}

describe('token sync with the real license server', () => {
  it('spends offline from the verified statement, then syncs: debits confirmed, balances agree', async () => {
    const first = await refreshBalance(w.target);
    expect(first.balance).toBe(w.credited);
    // Offline: nothing below touches the network.
    await generate('cutout');
    await generate('stylize');
    await generate('cutout');
    const prices = (await new LicenseClient(w.server.url).prices()).prices;
    const spent = (prices.cutout ?? 0) * 2 + (prices.stylize ?? 0);
    expect(w.gate.spendable()).toMatchObject({
      balance: w.credited,
      pending: spent,
      spendable: w.credited - spent,
    });

    const result = await syncDebits(w.target);
    expect(result).toMatchObject({ sent: 3, confirmed: 3, rejected: [] });
    expect(result.statement.balance).toBe(w.credited - spent);
    expect(result.statement.seq).toBeGreaterThan(first.seq);
    expect(w.ledger.pendingDebits(w.account.localId)).toEqual([]);
    expect(w.gate.spendable()).toMatchObject({ pending: 0, spendable: w.credited - spent });
    expect(await serverBalance()).toBe(w.credited - spent);
  });

  it(`sends at most ${MAX_DEBITS_PER_REQUEST} debits per request`, async () => {
    while (w.credited < 1001) w.credited += await creditPack(w.server, w.user);
    for (let i = 0; i < 1001; i++) {
      w.store.ledger.addDebit(w.account.localId, { id: crypto.randomUUID(), tokens: 1, operation: 'cutout' });
    }
    const sizes: number[] = [];
    w.onAnswer = (e) => {
      if (e.path === '/v1/usage')
        sizes.push((JSON.parse(e.body.toString()) as { results: unknown[] }).results.length);
      return undefined;
    };
    const result = await syncDebits(w.target);
    expect(sizes).toEqual([500, 500, 1]);
    expect(result.confirmed).toBe(1001);
    expect(await serverBalance()).toBe(w.credited - 1001);
  });

  it('the server vanishing mid-request loses nothing: debits stay pending, the re-send is "duplicate"', async () => {
    await refreshBalance(w.target);
    await generate('cutout');
    await generate('cutout');
    let dropped = 0;
    w.onAnswer = (e) => {
      if (e.path !== '/v1/usage' || dropped > 0) return undefined;
      dropped++;
      return 'drop'; // the server applied the debits; its answer never arrives
    };
    const error = await syncDebits(w.target).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LicenseRequestError);
    expect((error as LicenseRequestError).retryable).toBe(true);
    expect(w.ledger.pendingDebits(w.account.localId)).toHaveLength(2);
    const charged = await serverBalance();
    expect(charged).toBe(w.credited - 2);

    const statuses: string[] = [];
    w.onAnswer = (e) => {
      if (e.path === '/v1/usage') {
        const r = JSON.parse(e.body.toString()) as { results: Array<{ status: string }> };
        statuses.push(...r.results.map((x) => x.status));
      }
      return undefined;
    };
    const retry = await syncDebits(w.target);
    expect(statuses).toEqual(['duplicate', 'duplicate']);
    expect(retry.confirmed).toBe(2);
    expect(retry.statement.balance).toBe(w.credited - 2); // charged exactly once
    expect(w.ledger.pendingDebits(w.account.localId)).toEqual([]);
  });

  it('the server stopped while a sync is in flight: sync fails cleanly and succeeds once it is back', async () => {
    await refreshBalance(w.target);
    await generate('cutout');
    w.onAnswer = async (e) => {
      if (e.path !== '/v1/usage') return undefined;
      await w.server.close(); // the process goes away with the answer unsent
      return 'drop';
    };
    const error = await syncDebits(w.target).catch((x: unknown) => x);
    expect(error).toMatchObject({ code: 'NETWORK' });
    expect(w.ledger.pendingDebits(w.account.localId)).toHaveLength(1);
    // Offline rules still hold: the pending debit counts against the last verified statement.
    expect(w.gate.spendable().spendable).toBe(w.credited - 1);
    await expect(syncDebits(w.target)).rejects.toMatchObject({ code: 'NETWORK' });
  });

  it('the app SIGKILLed mid-sync: the debit is confirmed by the next sync, charged once', async () => {
    await refreshBalance(w.target);
    await generate('cutout');
    await generate('cutout');
    await generate('cutout');
    w.store.close(); // the child owns the file while it runs, as a second Atelier process would
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(here, '../testing/account-sync-child.ts')],
      {
        env: {
          ...process.env,
          SYNC_CHILD_DB: path.join(w.tmp.dir, 'atelier.db'),
          SYNC_CHILD_SERVER: w.proxy.url,
          SYNC_CHILD_SERVER_ACCOUNT: w.account.serverId,
          SYNC_CHILD_LOCAL_ACCOUNT: w.account.localId,
          SYNC_CHILD_ACCESS_TOKEN: w.accessToken,
          SYNC_CHILD_PUBLIC_KEY: w.server.publicKeyBase64,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    let killed = false;
    w.onAnswer = async (e) => {
      if (e.path !== '/v1/usage' || killed) return undefined;
      killed = true;
      child.kill('SIGKILL'); // the server has applied the debits; the app dies before reading the answer
      await exited;
      return 'drop';
    };
    const signal = await exited;
    expect(signal, stderr).toBe('SIGKILL');
    expect(killed).toBe(true);

    w.store = Store.open({ database: path.join(w.tmp.dir, 'atelier.db') });
    w.ledger = storeLedger(w.store.db);
    w.target = { ...w.target, ledger: w.ledger };
    expect(w.ledger.pendingDebits(w.account.localId)).toHaveLength(3);
    w.onAnswer = () => undefined;
    const result = await syncDebits(w.target);
    expect(result.confirmed).toBe(3);
    expect(result.statement.balance).toBe(w.credited - 3);
    expect(await serverBalance()).toBe(w.credited - 3);
  });

  it('a tampered statement is refused and nothing is confirmed from that answer', async () => {
    const held = await refreshBalance(w.target);
    await generate('cutout');
    w.onAnswer = (e) => {
      if (e.path !== '/v1/usage' && e.path !== '/v1/balance') return undefined;
      const body = JSON.parse(e.body.toString()) as { statement: { payload: string } };
      const payload = JSON.parse(Buffer.from(body.statement.payload, 'base64url').toString()) as {
        balance: number;
      };
      payload.balance = 1_000_000;
      body.statement.payload = Buffer.from(JSON.stringify(payload)).toString('base64url');
      return { status: e.status, body: Buffer.from(JSON.stringify(body)) };
    };
    await expect(syncDebits(w.target)).rejects.toMatchObject({
      code: 'AUTH',
      message: expect.stringMatching(/signature/),
    });
    expect(w.ledger.pendingDebits(w.account.localId)).toHaveLength(1);
    expect(w.ledger.latestStatement(w.account.localId)?.seq).toBe(held.seq);
    expect(w.gate.spendable().balance).toBe(w.credited);
    w.onAnswer = () => undefined;
    expect((await syncDebits(w.target)).confirmed).toBe(1); // a clean answer later settles it
  });

  it('a replayed older statement is refused; the newer one is kept', async () => {
    let recorded: Buffer | undefined;
    w.onAnswer = (e) => {
      if (e.path === '/v1/balance' && !recorded) recorded = e.body;
      return undefined;
    };
    const old = await refreshBalance(w.target);
    await generate('cutout');
    const newer = (await syncDebits(w.target)).statement;
    expect(newer.seq).toBeGreaterThan(old.seq);
    w.onAnswer = (e) => (e.path === '/v1/balance' && recorded ? { status: 200, body: recorded } : undefined);
    await expect(refreshBalance(w.target)).rejects.toMatchObject({
      code: 'AUTH',
      message: expect.stringMatching(/older/),
    });
    expect(w.ledger.latestStatement(w.account.localId)?.seq).toBe(newer.seq);
    expect(w.gate.spendable().balance).toBe(w.credited - 1);
  });

  it('a revoked device stops spending with a clear message and keeps the pending debits', async () => {
    await refreshBalance(w.target);
    await generate('cutout');
    await syncDebits(w.target); // the first debit registers this profile as a device
    await generate('cutout');
    const devices = (await (
      await fetch(new URL('/v1/devices', w.server.url), {
        headers: { authorization: `Bearer ${w.accessToken}` },
      })
    ).json()) as { devices: Array<{ id: string }> };
    for (const d of devices.devices) {
      await fetch(new URL(`/v1/devices/${d.id}`, w.server.url), {
        method: 'DELETE',
        headers: { authorization: `Bearer ${w.accessToken}` },
      });
    }
    await expect(syncDebits(w.target)).rejects.toMatchObject({ code: 'AUTH', serverCode: 'device_revoked' });
    expect(w.ledger.pendingDebits(w.account.localId)).toHaveLength(1);
    await expect(w.gate.authorize('cutout')).rejects.toMatchObject({
      code: 'AUTH',
      hint: expect.stringMatching(/sign in again/),
    });
  });

  it('a revoked refresh token: clear AUTH error, the keychain entry is removed', async () => {
    const stored = await w.credentials.get(w.session.service, w.account.serverId);
    await new LicenseClient(w.server.url).revoke(stored ?? '');
    w.session.invalidate();
    const e = await w.session.token().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AtelierError);
    expect(e).toMatchObject({ code: 'AUTH', hint: expect.stringMatching(/sign in again/) });
    expect(await w.credentials.get(w.session.service, w.account.serverId)).toBeNull();
  });

  it('a registration whose answer is lost, sent again and again, leaves one device on the account', async () => {
    await refreshBalance(w.target);
    await generate('cutout');
    // More lost answers than the account may have devices (5): each one used to leave a device, and
    // the next registration was refused with device_limit.
    let dropped = 0;
    w.onAnswer = (e) => (e.path === '/v1/devices' && dropped++ < 7 ? 'drop' : undefined);
    for (let attempt = 0; attempt < 7; attempt++) {
      await expect(syncDebits(w.target)).rejects.toMatchObject({ code: 'NETWORK' });
    }
    const result = await syncDebits(w.target);
    expect(result.confirmed).toBe(1);
    const res = await fetch(`${w.server.url}/v1/devices`, {
      headers: { authorization: `Bearer ${w.accessToken}` },
    });
    const { devices } = (await res.json()) as { devices: { id: string }[] };
    expect(devices.map((d) => d.id)).toEqual([w.ledger.getSetting(w.account.localId, DEVICE_ID_KEY)]);
  });

  it('the sync loop retries with backoff while the server is unreachable, then catches up', async () => {
    await refreshBalance(w.target);
    await generate('cutout');
    let down = true;
    w.onAnswer = () => (down ? 'drop' : undefined);
    const seen: SyncStatus[] = [];
    const loop = new SyncLoop({
      sync: () => syncDebits(w.target),
      backoff: { baseMs: 20, maxMs: 100 },
      onStatus: (s) => seen.push(s),
    });
    loop.start();
    await expect
      .poll(() => seen.filter((s) => s.state === 'retrying').length, { timeout: 10_000 })
      .toBeGreaterThan(2);
    down = false;
    await expect.poll(() => loop.status.state, { timeout: 10_000 }).toBe('idle');
    loop.stop();
    expect(w.ledger.pendingDebits(w.account.localId)).toEqual([]);
    const retrying = seen.filter(
      (s): s is Extract<SyncStatus, { state: 'retrying' }> => s.state === 'retrying',
    );
    expect(retrying.every((s) => s.inMs <= 100 && s.error.code === 'NETWORK')).toBe(true);
  });
});
