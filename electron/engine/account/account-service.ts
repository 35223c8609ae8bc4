/**
 * The account module's one entry point for hosts (Electron main, serve, CLI): who is signed in, sign-in
 * and sign-out, the token gate for the current account, sync, balance and buying tokens. It holds the
 * access token in memory only; the refresh token stays in the keychain.
 */
import os from 'node:os';
import { AtelierError, toAtelierError } from '../errors';
import type { Host } from '../host';
import type { Store } from '../store';
import { ANONYMOUS_ACCOUNT_ID } from '../store';
import { adoptAnonymousHistory, type AdoptionResult } from './adopt';
import { AuthSession } from './auth-session';
import type { AccountConfig } from './config';
import { keychainService, type CredentialStore } from './credentials';
import type { LedgerPort } from './ledger-port';
import { LicenseClient, type RemoteAccount } from './license-client';
import { cachedPrices, refreshPrices } from './prices';
import { choosePack, openCheckout, waitForCredit } from './purchase';
import { signInWithBrowser } from './sign-in';
import { storeLedger } from './store-ledger';
import { refreshBalance, syncDebits, type SyncResult, type SyncTarget } from './sync';
import { SyncLoop, type SyncLoopOptions } from './sync-loop';
import type { VerifiedStatement } from './statement';
import { readSeqFloor } from './seq-floor';
import { SYNC_BLOCK_KEY, TokenGate, type Spendable, type WalletAccount } from './wallet';

export interface AccountServiceOptions {
  store: Store;
  config: AccountConfig;
  credentials: CredentialStore;
  host: Host;
  /** Per-request timeout for the license server (default 15 s). */
  timeoutMs?: number;
}

export type SignedInAccount = Extract<WalletAccount, { kind: 'signed_in' }>;

export class AccountService {
  readonly client: LicenseClient;
  readonly ledger: LedgerPort;
  private readonly sessions = new Map<string, AuthSession>();
  private readonly gates = new Map<string, TokenGate>();

  constructor(private readonly options: AccountServiceOptions) {
    this.client = new LicenseClient(options.config.serverUrl, { timeoutMs: options.timeoutMs });
    this.ledger = storeLedger(options.store.db);
  }

  get store(): Store {
    return this.options.store;
  }

  current(): WalletAccount {
    const row = this.store.currentAccount();
    if (row.kind === 'signed_in' && row.serverUserId) {
      return {
        kind: 'signed_in',
        localId: row.id,
        serverId: row.serverUserId,
        email: row.email ?? undefined,
      };
    }
    return { kind: 'anonymous', localId: row.id };
  }

  /** The token gate of the current account: `authorize(operation)` before each generation. */
  gate(): TokenGate {
    const account = this.current();
    let gate = this.gates.get(account.localId);
    if (!gate) {
      const floor =
        account.kind === 'signed_in'
          ? () => readSeqFloor(this.options.credentials, this.options.config.serverUrl, account.serverId)
          : undefined;
      gate = new TokenGate(this.ledger, account, this.options.config.pinnedKeys, undefined, {
        ...(floor ? { seqFloor: floor } : {}),
      });
      this.gates.set(account.localId, gate);
    }
    return gate;
  }

  /** The in-memory session of the current signed-in account (refreshes through the keychain). */
  session(): AuthSession {
    const account = this.current();
    if (account.kind !== 'signed_in') {
      throw new AtelierError('AUTH', 'Not signed in', { hint: 'sign in first (atelier login)' });
    }
    let session = this.sessions.get(account.serverId);
    if (!session) {
      session = new AuthSession(this.client, this.options.credentials, account.serverId);
      session.email = account.email;
      this.sessions.set(account.serverId, session);
    }
    return session;
  }

  private target(signal?: AbortSignal): SyncTarget {
    const session = this.session();
    return {
      ledger: this.ledger,
      session,
      localId: this.current().localId,
      pinnedKeys: this.options.config.pinnedKeys,
      device: { name: os.hostname() || 'Atelier', platform: process.platform },
      signal,
    };
  }

  /**
   * Signs in through the system browser. `keepHistory` says whether the anonymous history moves to the
   * account (the caller asks the user); then prices and balance are fetched (best effort: offline after
   * sign-in is not an error).
   */
  async login(options: { keepHistory: boolean; timeoutMs?: number; signal?: AbortSignal }): Promise<{
    account: RemoteAccount;
    adopted?: AdoptionResult;
    statement?: VerifiedStatement;
    syncError?: AtelierError;
  }> {
    const tokens = await signInWithBrowser({
      client: this.client,
      host: this.options.host,
      credentials: this.options.credentials,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
    });
    const row = this.store.signIn(tokens.account.id, tokens.account.email);
    this.store.setSetting(SYNC_BLOCK_KEY, null, row.id);
    const session = new AuthSession(this.client, this.options.credentials, tokens.account.id, tokens);
    this.sessions.set(tokens.account.id, session);
    this.gates.delete(row.id);
    const adopted = options.keepHistory ? adoptAnonymousHistory(this.store.db, row.id) : undefined;
    await refreshPrices(this.ledger, this.client);
    try {
      const { statement } = await syncDebits(this.target(options.signal));
      return { account: tokens.account, adopted, statement };
    } catch (error) {
      return { account: tokens.account, adopted, syncError: error as AtelierError };
    }
  }

  /** Signs out of the current account: revoke on the server (best effort), keychain entry removed. */
  async logout(): Promise<{ email?: string; revokedOnServer: boolean; pendingDebits: number }> {
    const account = this.current();
    if (account.kind !== 'signed_in') {
      throw new AtelierError('AUTH', 'Not signed in', { hint: 'nothing to sign out of' });
    }
    // Send what is pending first so the server has it; failures are fine, the debits stay for next time.
    await syncDebits(this.target()).catch(() => undefined);
    const { revokedOnServer } = await this.session().signOut();
    this.sessions.delete(account.serverId);
    this.gates.delete(account.localId);
    this.store.signOut();
    return {
      email: account.email,
      revokedOnServer,
      pendingDebits: this.ledger.pendingDebits(account.localId).length,
    };
  }

  /**
   * Deletes the current account: first on the license server (email, password hash, sessions, devices;
   * the pseudonymous ledger stays there for bookkeeping), then every local row of it, with the bytes
   * erased from the database file and its WAL. If the server cannot be reached nothing is deleted,
   * so the user can try again online. The anonymous account is only local: it is emptied.
   */
  async deleteAccount(): Promise<{ deletedOnServer: boolean; email?: string }> {
    const account = this.current();
    if (account.kind !== 'signed_in') {
      this.store.deleteAccount(account.localId);
      return { deletedOnServer: false };
    }
    const session = this.session();
    try {
      await session.withToken((token) => this.client.deleteAccount(token));
    } catch (error) {
      const e = toAtelierError(error);
      throw new AtelierError(e.code, `Could not delete the account on the license server: ${e.message}`, {
        hint: 'nothing was deleted; connect to the internet and try again',
        cause: error,
      });
    }
    await session.forget().catch(() => undefined);
    this.sessions.delete(account.serverId);
    this.gates.delete(account.localId);
    this.store.deleteAccount(account.localId);
    return { deletedOnServer: true, ...(account.email ? { email: account.email } : {}) };
  }

  async whoami(): Promise<
    | { account: Extract<WalletAccount, { kind: 'anonymous' }> }
    | { account: SignedInAccount; email?: string; keychain: 'present' | 'missing' }
  > {
    const account = this.current();
    if (account.kind !== 'signed_in') return { account };
    const token = await this.options.credentials.get(keychainService(this.client.origin), account.serverId);
    return { account, email: account.email, keychain: token ? 'present' : 'missing' };
  }

  /** Verified balance, pending and spendable (signed in), after a sync when `sync` is set. */
  async balance(
    options: { sync?: boolean } = {},
  ): Promise<{ spendable: Spendable; syncError?: AtelierError }> {
    let syncError: AtelierError | undefined;
    if (options.sync) {
      await refreshPrices(this.ledger, this.client);
      await syncDebits(this.target()).catch((e: unknown) => {
        syncError = e instanceof AtelierError ? e : new AtelierError('INTERNAL', String(e));
      });
    }
    return { spendable: this.gate().spendable(), syncError };
  }

  /** Free generations used today and the quota (anonymous use). */
  quota(day: string): { used: number; limit: number } {
    const prices = cachedPrices(this.ledger).value;
    return { used: this.ledger.quotaUsed(ANONYMOUS_ACCOUNT_ID, day), limit: prices.freeDailyQuota };
  }

  /** Re-fetches the verified balance (hosts call it on window focus, e.g. after a purchase). */
  refreshBalance(signal?: AbortSignal): Promise<VerifiedStatement> {
    return refreshBalance(this.target(signal));
  }

  sync(signal?: AbortSignal): Promise<SyncResult> {
    return syncDebits(this.target(signal));
  }

  /** A sync loop for the current account (start-up, periodic, kick after batches and on reconnect). */
  syncLoop(options: Omit<SyncLoopOptions, 'sync'> = {}): SyncLoop {
    // The loop follows account switches: it syncs whoever is current, and rests while anonymous.
    return new SyncLoop({
      ...options,
      sync: async () => (this.current().kind === 'signed_in' ? this.sync() : undefined),
    });
  }

  /** Opens the checkout for a pack in the browser, then waits for the credit (unless `wait` is 0). */
  async buy(options: { packId?: string; waitMs?: number; intervalMs?: number } = {}): Promise<{
    packId: string;
    checkoutUrl: string;
    credited?: VerifiedStatement;
  }> {
    const target = this.target();
    const pack = await choosePack(target, options.packId);
    const before = (await refreshBalance(target)).balance;
    const checkoutUrl = await openCheckout(target, this.options.host, pack.id);
    const credited =
      options.waitMs === 0
        ? undefined
        : await waitForCredit(target, before, { timeoutMs: options.waitMs, intervalMs: options.intervalMs });
    return { packId: pack.id, checkoutUrl, credited };
  }
}
