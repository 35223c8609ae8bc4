/**
 * The account as the UI sees it: one status object (anonymous quota, or the verified balance), sign
 * in/out through the host's browser, buying tokens. Built on account/AccountService; a profile with
 * no license server configured still works anonymously and says why signing in is unavailable.
 */
import { AccountService } from '../account/account-service';
import type { SyncLoop } from '../account/sync-loop';
import { loadAccountConfig, type AccountConfig } from '../account/config';
import { KeytarCredentialStore } from '../account/credentials';
import { cachedPrices } from '../account/prices';
import { priceTable as priceTableOf, quotaResetsAt } from '../account/price-table';
import { storeLedger } from '../account/store-ledger';
import { localDay } from '../account/wallet';
import type { Engine } from '../engine';
import { AtelierError } from '../errors';
import { ANONYMOUS_ACCOUNT_ID } from '../store';
import type { AccountStatus } from './contract';

const CHECKOUT_POLL_MS = 3000;
const CHECKOUT_WATCH_MS = 15 * 60_000;

export class AccountFacade {
  private service: AccountService | undefined;
  private config: AccountConfig | undefined;
  /** Syncs pending debits at start-up, every few minutes, after each batch and after sign-in. */
  private loop: SyncLoop | undefined;

  constructor(
    private readonly engine: Engine,
    private readonly onChange: (status: AccountStatus) => void,
  ) {}

  private configured(): { service: AccountService; config: AccountConfig } | { error: AtelierError } {
    if (this.service && this.config) return { service: this.service, config: this.config };
    try {
      this.config = loadAccountConfig(this.engine.paths);
    } catch (error) {
      return { error: error instanceof AtelierError ? error : new AtelierError('USAGE', String(error)) };
    }
    this.service = new AccountService({
      store: this.engine.store,
      config: this.config,
      credentials: new KeytarCredentialStore(),
      host: this.engine.host,
    });
    // The loop rests while anonymous; its timer is unref'd, so it never keeps a host alive.
    this.loop = this.service.syncLoop({
      onStatus: (status) => {
        if (status.state !== 'syncing') this.background(this.changed(), 'account status after a sync');
      },
    });
    this.loop.start();
    return { service: this.service, config: this.config };
  }

  private require(): AccountService {
    const c = this.configured();
    if ('error' in c) throw c.error;
    return c.service;
  }

  async status(): Promise<AccountStatus> {
    const ledger = storeLedger(this.engine.store.db);
    const prices = cachedPrices(ledger).value;
    const row = this.engine.store.currentAccount();
    const c = this.configured();
    const serverUrl = 'error' in c ? null : c.config.serverUrl;
    const priceTable = { ...prices.prices } as Record<string, number>;
    const lines = priceTableOf(prices);
    if (row.kind !== 'signed_in') {
      const used = ledger.quotaUsed(ANONYMOUS_ACCOUNT_ID, localDay(new Date()));
      const limit = prices.freeDailyQuota;
      return {
        kind: 'anonymous',
        email: null,
        serverUrl,
        balance: null,
        validUntil: null,
        pendingDebits: 0,
        quota: { used, limit, resetsAt: quotaResetsAt(new Date()).toISOString() },
        prices: priceTable,
        priceTable: lines,
        blockedReason:
          used >= limit
            ? `Today's ${limit} free generations are used up${serverUrl ? ' — sign in to continue' : ''}`
            : null,
      };
    }
    const pendingDebits = ledger.pendingDebits(row.id).length;
    let balance: number | null = null;
    let validUntil: string | null = null;
    let blockedReason: string | null = null;
    if ('error' in c) {
      blockedReason = c.error.userMessage;
    } else {
      try {
        const { spendable } = await c.service.balance();
        balance = spendable.spendable;
        validUntil = spendable.validUntil.toISOString();
        if (spendable.expired)
          blockedReason = 'Your balance needs to be confirmed online — connect to the internet';
        else if (spendable.spendable <= 0) blockedReason = 'No tokens left — buy a token pack';
      } catch (error) {
        blockedReason = error instanceof AtelierError ? error.userMessage : String(error);
      }
    }
    return {
      kind: 'signed_in',
      email: row.email,
      serverUrl,
      balance,
      validUntil,
      pendingDebits,
      quota: null,
      prices: priceTable,
      priceTable: lines,
      blockedReason,
    };
  }

  async signIn(keepHistory: boolean): Promise<AccountStatus> {
    await this.require().login({ keepHistory });
    if (this.loop) this.background(this.loop.kick(), 'sync after sign-in');
    return this.changed();
  }

  async signOut(): Promise<AccountStatus> {
    await this.require().logout();
    return this.changed();
  }

  /**
   * Deletes the current account: a signed-in one on the license server and here; the anonymous one
   * (no server involved) is emptied. Works without a configured server for the anonymous account.
   */
  async deleteAccount(): Promise<{ deletedOnServer: boolean; status: AccountStatus }> {
    const row = this.engine.store.currentAccount();
    let deletedOnServer = false;
    if (row.kind === 'signed_in') ({ deletedOnServer } = await this.require().deleteAccount());
    else this.engine.store.deleteAccount(row.id);
    return { deletedOnServer, status: await this.changed() };
  }

  /**
   * Opens the checkout and answers at once; meanwhile the verified balance is re-fetched every few
   * seconds until the pack is credited (or 15 minutes pass), and the UI is told (account.changed), so
   * the new balance shows without a reload.
   */
  async buy(packId: string): Promise<{ checkoutUrl: string }> {
    const service = this.require();
    const before = await service
      .refreshBalance()
      .then((s) => s.balance)
      .catch(() => null);
    const { checkoutUrl } = await service.buy({ packId, waitMs: 0 });
    this.watchCheckout(service, before);
    return { checkoutUrl };
  }

  private checkoutWatch: AbortController | undefined;

  private watchCheckout(service: AccountService, before: number | null): void {
    this.checkoutWatch?.abort();
    const watch = new AbortController();
    this.checkoutWatch = watch;
    const deadline = Date.now() + CHECKOUT_WATCH_MS;
    const tick = async (): Promise<void> => {
      if (watch.signal.aborted || Date.now() > deadline) return;
      const statement = await service.refreshBalance(watch.signal).catch(() => undefined);
      if (statement && (before === null || statement.balance > before)) {
        await this.changed().catch(() => undefined);
        return;
      }
      setTimeout(() => void tick(), CHECKOUT_POLL_MS).unref();
    };
    setTimeout(() => void tick(), CHECKOUT_POLL_MS).unref();
  }

  async packs(): Promise<{ packs: { id: string; tokens: number; priceCents: number; currency: string }[] }> {
    return { packs: await this.require().client.packs() };
  }

  /** After a batch: send pending debits now (they stay pending offline; the loop retries) and tell the UI. */
  async afterBatch(): Promise<void> {
    this.configured();
    await this.loop?.kick();
    await this.changed();
  }

  /** Loads the config and starts the sync loop at host start-up rather than at the first call. */
  start(): void {
    this.configured();
  }

  /** Work nobody awaits: its failure goes to the log instead of becoming an unhandled rejection. */
  background(work: Promise<unknown>, what: string): void {
    work.catch((error: unknown) => this.engine.log.warn(`${what} failed`, error));
  }

  stop(): void {
    this.checkoutWatch?.abort();
    this.loop?.stop();
  }

  private async changed(): Promise<AccountStatus> {
    const status = await this.status();
    this.onChange(status);
    return status;
  }
}
