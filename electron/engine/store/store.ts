/**
 * The local history store: one SQLite file per profile. `Store.open(profilePaths)` is the entry point;
 * every history method is scoped to the current account (`useAccount` switches it).
 */
import { rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ProfilePaths } from '../profile';
import { AtelierError } from '../errors';
import {
  ANONYMOUS_ACCOUNT_ID,
  currentAccountId,
  ensureAnonymousAccount,
  getAccount,
  listAccounts,
  requireAccount,
  setCurrentAccountId,
  upsertSignedInAccount,
  type AccountRow,
} from './accounts';
import { Batches } from './batches';
import { openDatabase, type Db, type OpenDatabaseOptions } from './database';
import { findGeneration, type PreparedGeneration } from './generations';
import { recordGenerationRow } from './record-port';
import { imageMeta, prepareImage, readImage, readImageBase64, readThumbnail } from './images';
import { bytesFromBase64InPool } from '../workers/pixel-work';
import { prepareEdit } from './prepare-edit';
import { Ledger } from './ledger';
import {
  countHistory,
  historyPage,
  historySummary,
  type HistoryFilter,
  type HistoryPage,
  type HistoryPageQuery,
} from './queries';
import {
  checkpointTruncate,
  compactIfPending,
  eraseAccount,
  finishCompaction,
  sweepExpired,
} from './retention';
import { deleteItemWithVersions } from './delete-item';
import { emptyTrash, moveToTrash, restoreFromTrash, UNDO_WINDOW_MS } from './trash';
import { exportHistoryZip, type ExportResult, type ExportSelection } from './export';
import { assertFreeTarget, publishPartial } from './write-targets';
import { sweepPartials, trackPartial } from './partials';
import { validateNewGeneration } from './validate';
import { rerenderBlockedReason } from './rerender';
import { guarded, withSqliteErrorsMapped } from './guard';
import { getSetting, privacyMode, retentionDays, setSetting } from './settings';
import type {
  DebitInput,
  GenerationRow,
  GenerationWithImages,
  NewGeneration,
  RecordOptions,
  ImageMeta,
  StoredImage,
} from './types';

export interface Regeneration {
  source: GenerationRow;
  /** The stored original's bytes, to run the operation on again. */
  input: StoredImage;
  inputName: string | null;
  operation: string;
  /** The source's parameters with the new ones laid over them. */
  params: Record<string, unknown>;
}

/** Below this much Base64, decoding here costs less than a trip through the pool's queue. */
const POOL_MIN_BASE64 = 1 << 20;

export class Store {
  readonly ledger: Ledger;
  readonly batches: Batches;

  private constructor(
    readonly db: Db,
    readonly file: string,
  ) {
    this.ledger = withSqliteErrorsMapped(new Ledger(db), file);
    this.batches = withSqliteErrorsMapped(
      new Batches(
        db,
        () => this.currentAccountId,
        (g) => this.prepareGeneration(g),
        file,
      ),
      file,
    );
  }

  /**
   * Opens (creating or migrating) the profile's database. Expired outputs are swept right away, so a
   * history opened after a week away shows what is really kept; pass `sweep: false` to skip that.
   */
  static open(
    paths: Pick<ProfilePaths, 'database'>,
    options: OpenDatabaseOptions & { sweep?: boolean } = {},
  ): Store {
    const db = openDatabase(paths.database, options);
    const store = new Store(db, paths.database);
    try {
      store.guard(() => ensureAnonymousAccount(db));
      // A deletion killed between its commit and its compaction: the deleted bytes go now, not later.
      store.guard(() => compactIfPending(db));
      sweepPartials(path.dirname(paths.database));
      // Deletions a crashed process could not empty; another process's fresh ones keep their window.
      store.guard(() => emptyTrash(db, { before: new Date(Date.now() - UNDO_WINDOW_MS) }));
      if (options.sweep !== false) store.sweepExpired();
    } catch (error) {
      store.close();
      throw error;
    }
    return store;
  }

  close(): void {
    if (this.eraseRetry) clearInterval(this.eraseRetry);
    if (this.db.open) {
      // At quit the trash this process filled is emptied: Undo is gone with the window.
      try {
        this.emptyOwnTrash();
        if (this.eraseRetry) clearInterval(this.eraseRetry);
      } finally {
        this.db.close();
      }
    }
  }

  /** Runs a database step, turning SQLite failures into one actionable AtelierError. */
  guard<T>(step: () => T): T {
    return guarded(this.file, step);
  }

  // ── accounts ──────────────────────────────────────────────────────────────

  get currentAccountId(): string {
    return currentAccountId(this.db);
  }

  currentAccount(): AccountRow {
    return requireAccount(this.db, this.currentAccountId);
  }

  accounts(): AccountRow[] {
    return listAccounts(this.db);
  }

  /** Finds or creates the signed-in user's local account and makes it current. */
  signIn(serverUserId: string, email: string | null): AccountRow {
    return this.guard(() =>
      this.db
        .transaction(() => {
          const account = upsertSignedInAccount(this.db, serverUserId, email);
          setCurrentAccountId(this.db, account.id);
          return account;
        })
        .immediate(),
    );
  }

  /** Back to the anonymous account (the signed-in account's history stays, hidden, until deleted). */
  signOut(): void {
    this.useAccount(ANONYMOUS_ACCOUNT_ID);
  }

  useAccount(accountId: string): void {
    this.guard(() => setCurrentAccountId(this.db, accountId));
  }

  /**
   * Deletes every row of the account (history, images, ledger, settings), then compacts the file so the
   * bytes are gone from disk. The anonymous account is recreated empty; the current account falls back to it.
   */
  deleteAccount(accountId: string): void {
    requireAccount(this.db, accountId);
    this.guard(() => {
      // The anonymous free quota is a count per day, not personal data: emptying the anonymous
      // account must not hand out a fresh day's quota.
      const quota = this.db
        .prepare('SELECT day, used FROM free_quota WHERE account_id = ?')
        .all(ANONYMOUS_ACCOUNT_ID) as { day: string; used: number }[];
      eraseAccount(this.db, accountId, () => {
        ensureAnonymousAccount(this.db);
        const restore = this.db.prepare(
          'INSERT OR IGNORE INTO free_quota (account_id, day, used) VALUES (?, ?, ?)',
        );
        for (const q of quota) restore.run(ANONYMOUS_ACCOUNT_ID, q.day, q.used);
      });
      finishCompaction(this.db);
    });
  }

  // ── settings ──────────────────────────────────────────────────────────────

  getSetting(key: string, accountId: string | null = this.currentAccountId): unknown {
    return getSetting(this.db, accountId, key);
  }

  setSetting(key: string, value: unknown, accountId: string | null = this.currentAccountId): void {
    this.guard(() => setSetting(this.db, accountId, key, value));
  }

  retentionDays(accountId = this.currentAccountId): number | null {
    return retentionDays(this.db, accountId);
  }

  /** Days before unpinned outputs expire (null: never). Applies to generations recorded from now on. */
  setRetentionDays(days: number | null, accountId = this.currentAccountId): void {
    if (days !== null && !(Number.isInteger(days) && days > 0)) {
      throw new AtelierError('USAGE', `Retention must be a whole number of days ≥ 1 or null (got ${days})`, {
        hint: 'pass e.g. 7, or null to keep outputs forever',
      });
    }
    this.setSetting('retentionDays', days, accountId);
  }

  privacyMode(accountId = this.currentAccountId): boolean {
    return privacyMode(this.db, accountId);
  }

  setPrivacyMode(on: boolean, accountId = this.currentAccountId): void {
    this.setSetting('privacyMode', on, accountId);
    // Privacy mode keeps nothing waiting for an Undo.
    if (on && this.guard(() => emptyTrash(this.db, { accountId })) > 0) this.eraseDeleted();
  }

  // ── writing generations ───────────────────────────────────────────────────

  /**
   * Records a generation: input image (deduplicated; skipped in privacy mode), output image, thumbnails,
   * the row, and if given the pending token debit and a free-quota use, all in ONE transaction.
   * Image measuring and thumbnailing (sharp) happen before the transaction opens.
   */
  async recordGeneration(
    input: NewGeneration,
    debit?: DebitInput,
    options: RecordOptions = {},
  ): Promise<GenerationRow> {
    const prepared = await this.prepareGeneration(input);
    // A big record off this thread: its commit takes hundreds of ms (record-port.ts, record-in-thread.ts).
    return recordGenerationRow(this.db, { file: this.file, prepared, ...(debit ? { debit } : {}), options });
  }

  private async prepareGeneration(input: NewGeneration): Promise<PreparedGeneration> {
    validateNewGeneration(input);
    const accountId = input.accountId ?? this.currentAccountId;
    requireAccount(this.db, accountId);
    return {
      accountId,
      input,
      inputImage: input.input ? await prepareImage(input.input, 'input') : null,
      outputImage: input.output ? await prepareImage(input.output, 'output') : null,
      edit: input.edit ? await prepareEdit(input.edit) : null,
    };
  }

  // ── reading ───────────────────────────────────────────────────────────────

  history(query: HistoryPageQuery = {}): HistoryPage {
    return this.guard(() => historyPage(this.db, this.currentAccountId, query));
  }

  count(filter: HistoryFilter = {}): number {
    return this.guard(() => countHistory(this.db, this.currentAccountId, filter));
  }

  summary(): ReturnType<typeof historySummary> {
    return historySummary(this.db, this.currentAccountId);
  }

  /** One item with its images' metadata; throws NOT_FOUND for unknown ids or other accounts' items. */
  getGeneration(id: number): GenerationWithImages {
    const accountId = this.currentAccountId;
    const row = findGeneration(this.db, accountId, id);
    return {
      ...row,
      input: row.inputImageId === null ? null : imageMeta(this.db, accountId, row.inputImageId),
      output: row.outputImageId === null ? null : imageMeta(this.db, accountId, row.outputImageId),
    };
  }

  /** An image's bytes (for the host's image URL route), or NOT_FOUND. */
  image(imageId: number): StoredImage {
    const image = readImage(this.db, this.currentAccountId, imageId);
    if (!image) throw notFoundImage(imageId);
    return image;
  }

  /**
   * An image's bytes like image(), with the Base64 decoded in the worker pool: a 24 MP image is tens of
   * MB of text, 50–100 ms of decoding (and a string as big for the collector) on the engine's thread.
   */
  async loadImage(imageId: number): Promise<StoredImage> {
    const stored = this.guard(() => readImageBase64(this.db, this.currentAccountId, imageId));
    if (!stored) throw notFoundImage(imageId);
    const { base64, ...meta } = stored;
    const bytes =
      base64.length < POOL_MIN_BASE64
        ? Buffer.from(base64.toString('latin1'), 'base64')
        : await bytesFromBase64InPool(base64, { file: `image ${imageId}` });
    return { ...meta, bytes };
  }

  /** The metadata of an image (size, type), or NOT_FOUND: no bytes read. */
  imageInfo(imageId: number): ImageMeta {
    const meta = imageMeta(this.db, this.currentAccountId, imageId);
    if (!meta) throw notFoundImage(imageId);
    return meta;
  }

  /** The 256 px WebP thumbnail, or NOT_FOUND. */
  thumbnail(imageId: number): Buffer {
    const thumb = readThumbnail(this.db, this.currentAccountId, imageId);
    if (!thumb) throw notFoundImage(imageId);
    return thumb;
  }

  // ── regenerate, pin, delete, retention ────────────────────────────────────

  /**
   * What the operations layer needs to run an item again with changed parameters. It then records the
   * result with `sourceGenerationId: source.id`.
   */
  prepareRegeneration(id: number, newParams: Record<string, unknown> = {}): Regeneration {
    const source = findGeneration(this.db, this.currentAccountId, id);
    const why = rerenderBlockedReason(source);
    if (why !== null || source.inputImageId === null) {
      throw new AtelierError('NOT_FOUND', `Cannot regenerate history item ${id}: ${why}`, {
        hint: 'open the original photo again and run the operation on it',
      });
    }
    return {
      source,
      input: this.image(source.inputImageId),
      inputName: source.inputName,
      operation: source.operation,
      params: { ...source.params, ...newParams },
    };
  }

  setPinned(id: number, pinned: boolean): GenerationRow {
    const accountId = this.currentAccountId;
    findGeneration(this.db, accountId, id);
    this.guard(() =>
      this.db
        .prepare('UPDATE generations SET pinned = ? WHERE id = ? AND account_id = ?')
        .run(pinned ? 1 : 0, id, accountId),
    );
    return findGeneration(this.db, accountId, id);
  }

  /** Deletes the item (and its images when no other item uses them); the bytes leave the disk at once. */
  deleteGeneration(id: number): void {
    const accountId = this.currentAccountId;
    findGeneration(this.db, accountId, id);
    this.guard(() => deleteItemWithVersions(this.db, accountId, id));
    this.eraseDeleted();
  }

  /** Deletions made by this process that are still undoable, with their purge timers. */
  private readonly ownTrash = new Map<string, NodeJS.Timeout>();

  /**
   * Delete with Undo: the items (each with its versions) leave every history query now and are deleted
   * for good after the undo window, or when this store closes. In privacy mode they are deleted at once
   * (null: nothing to undo).
   */
  trash(ids: readonly number[], windowMs = UNDO_WINDOW_MS): { deletionId: string; until: Date } | null {
    if (this.privacyMode()) {
      for (const id of new Set(ids)) this.deleteGeneration(id);
      return null;
    }
    const now = new Date();
    const deletionId = this.guard(() => moveToTrash(this.db, this.currentAccountId, ids, now));
    const timer = setTimeout(() => this.emptyDeletion(deletionId), windowMs);
    timer.unref();
    this.ownTrash.set(deletionId, timer);
    return { deletionId, until: new Date(now.getTime() + windowMs) };
  }

  /** Undo: puts a deletion's items back; NOT_FOUND once it was emptied. Returns the items restored. */
  restoreTrash(deletionId: string): number {
    const restored = this.guard(() => restoreFromTrash(this.db, this.currentAccountId, deletionId));
    clearTimeout(this.ownTrash.get(deletionId));
    this.ownTrash.delete(deletionId);
    return restored;
  }

  private emptyDeletion(deletionId: string): void {
    this.ownTrash.delete(deletionId);
    if (!this.db.open) return;
    try {
      if (this.guard(() => emptyTrash(this.db, { deletionId })) > 0) this.eraseDeleted();
    } catch {
      // Left in the trash: emptied at close, or at the next start.
    }
  }

  private emptyOwnTrash(): void {
    for (const [deletionId, timer] of this.ownTrash) {
      clearTimeout(timer);
      this.guard(() => emptyTrash(this.db, { deletionId }));
    }
    if (this.ownTrash.size > 0) this.guard(() => checkpointTruncate(this.db));
    this.ownTrash.clear();
  }

  /** Removes outputs past their expiry (all accounts); run at start-up and periodically. */
  sweepExpired(now: Date = new Date()): { expired: number; imagesDeleted: number } {
    const swept = this.guard(() => sweepExpired(this.db, now));
    if (swept.imagesDeleted > 0) this.eraseDeleted();
    return swept;
  }

  private eraseRetry: NodeJS.Timeout | undefined;

  /**
   * Makes deleted rows unrecoverable while the app runs: the WAL is checkpointed into the (zeroed) main
   * file and truncated. When another process's reader blocks that, it is retried every second.
   */
  private eraseDeleted(): void {
    if (this.eraseRetry) return;
    if (this.guard(() => checkpointTruncate(this.db))) return;
    this.eraseRetry = setInterval(() => {
      if (!this.db.open || this.guard(() => checkpointTruncate(this.db))) {
        clearInterval(this.eraseRetry);
        this.eraseRetry = undefined;
      }
    }, 1000);
    this.eraseRetry.unref();
  }

  /** Runs sweepExpired now and every `intervalMs`; returns a stop function. */
  startSweeper(intervalMs = 3_600_000, onError: (e: unknown) => void = () => {}): () => void {
    const tick = () => {
      try {
        this.sweepExpired();
      } catch (e) {
        onError(e);
      }
    };
    tick();
    const timer = setInterval(tick, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  // ── export, backup, maintenance ───────────────────────────────────────────

  /** Writes an account's history (images + history.json; default the current account) to a zip outside the profile. */
  exportHistory(
    dest: string,
    accountId: string = this.currentAccountId,
    selection: ExportSelection = {},
    options: { overwrite?: boolean } = {},
  ): Promise<ExportResult> {
    const account = requireAccount(this.db, accountId);
    return exportHistoryZip(
      this.db,
      account.id,
      { id: account.id, kind: account.kind, email: account.email },
      path.resolve(dest),
      path.dirname(this.file),
      selection,
      options,
    );
  }

  /**
   * An online backup (SQLite's backup API: consistent while the app keeps writing) to `dest`, written
   * to a `.partial` file first so an interrupted backup never looks complete.
   */
  async backup(
    dest: string,
    options: { overwrite?: boolean } = {},
  ): Promise<{ file: string; bytes: number }> {
    const target = path.resolve(dest);
    assertNotLiveDatabase(target, this.file);
    assertFreeTarget(target, options.overwrite === true, 'backup');
    const partial = `${target}.partial`;
    const untrack = trackPartial(path.dirname(this.file), partial);
    try {
      await this.db.backup(partial);
      publishPartial(partial, target, options.overwrite === true, 'backup');
      untrack();
    } catch (cause) {
      rmSync(partial, { force: true });
      untrack();
      if (cause instanceof AtelierError && cause.code === 'OUTPUT_EXISTS') throw cause;
      throw new AtelierError('OUTPUT_NOT_WRITABLE', `Backup failed: ${target}`, {
        hint: 'check the folder exists, is writable and has free space',
        file: target,
        cause,
      });
    }
    return { file: target, bytes: statSync(target).size };
  }

  integrityCheck(): string[] {
    return this.db.pragma('integrity_check', { simple: false }) as unknown as string[];
  }

  hasAccount(id: string): boolean {
    return getAccount(this.db, id) !== null;
  }
}

function assertNotLiveDatabase(target: string, live: string): void {
  const base = path.resolve(live);
  if ([base, `${base}-wal`, `${base}-shm`].includes(target)) {
    throw new AtelierError('OUTPUT_IS_INPUT', `Backup would overwrite the live database: ${target}`, {
      hint: 'choose another file name',
      file: target,
    });
  }
}

function notFoundImage(imageId: number): AtelierError {
  return new AtelierError('NOT_FOUND', `No image ${imageId} in this account's history`, {
    hint: 'it may have expired or been deleted; list the history again',
  });
}
