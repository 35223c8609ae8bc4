/**
 * When to sync: at start-up, after each batch (`kick()`), every few minutes, and on reconnect
 * (`kick()` from the host's online event). Failures that may pass (network, 5xx, garbage) are retried
 * with exponential backoff and jitter; others (sign-in expired, device revoked) wait for the next kick.
 * Only one sync runs at a time; a kick during a sync runs another one right after it.
 */
import { serializeError, type SerializedError } from '../errors';
import { backoffDelay, type BackoffOptions } from './backoff';
import { isRetryable, type SyncResult } from './sync';

export type SyncStatus =
  | { state: 'idle'; lastResult?: SyncResult; at?: string }
  | { state: 'signed_out' }
  | { state: 'syncing' }
  | { state: 'retrying'; attempt: number; inMs: number; error: SerializedError }
  | { state: 'failed'; error: SerializedError };

export interface SyncLoopOptions {
  /** One sync; undefined when there is nothing to sync (not signed in). */
  sync: () => Promise<SyncResult | undefined>;
  periodMs?: number;
  backoff?: BackoffOptions;
  maxAttempts?: number;
  onStatus?: (status: SyncStatus) => void;
}

export class SyncLoop {
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  status: SyncStatus = { state: 'idle' };

  constructor(private readonly options: SyncLoopOptions) {}

  /** Starts: syncs now, then periodically. */
  start(): void {
    this.stopped = false;
    this.kick();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Syncs as soon as possible (after a batch, on reconnect). Resolves when that sync has finished. */
  kick(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    clearTimeout(this.timer);
    this.running = this.runOnce(0).finally(() => {
      this.running = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        void this.kick();
      }
    });
    return this.running;
  }

  private setStatus(status: SyncStatus): void {
    this.status = status;
    this.options.onStatus?.(status);
  }

  private schedule(ms: number, attempt: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (this.running) return;
      this.running = this.runOnce(attempt).finally(() => (this.running = undefined));
    }, ms);
    this.timer.unref?.();
  }

  private async runOnce(attempt: number): Promise<void> {
    this.setStatus({ state: 'syncing' });
    try {
      const lastResult = await this.options.sync();
      this.setStatus(
        lastResult ? { state: 'idle', lastResult, at: new Date().toISOString() } : { state: 'signed_out' },
      );
      this.schedule(this.options.periodMs ?? 5 * 60_000, 0);
    } catch (error) {
      const maxAttempts = this.options.maxAttempts ?? Infinity;
      if (isRetryable(error) && attempt + 1 < maxAttempts) {
        const inMs = backoffDelay(attempt, this.options.backoff);
        this.setStatus({ state: 'retrying', attempt: attempt + 1, inMs, error: serializeError(error) });
        this.schedule(inMs, attempt + 1);
      } else {
        this.setStatus({ state: 'failed', error: serializeError(error) });
        this.schedule(this.options.periodMs ?? 5 * 60_000, 0);
      }
    }
  }
}
