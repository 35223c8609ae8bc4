/**
 * Resumable batches (a folder of photos through one operation). Items are numbered by `seq`; a batch
 * resumes from `pendingItems`. Completing an item writes its generation and marks it done in ONE
 * transaction, so a crash never leaves an item done without its generation or a generation without its item.
 */
import { randomUUID } from 'node:crypto';
import { AtelierError } from '../errors';
import type { Db } from './database';
import type { PreparedGeneration } from './generations';
import { recordGenerationRow } from './record-port';
import type { DebitInput, GenerationRow, NewGeneration, RecordOptions } from './types';

export type BatchStatus = 'running' | 'paused' | 'cancelled' | 'done';
export type BatchItemStatus = 'pending' | 'done' | 'failed' | 'skipped';

export interface BatchRow {
  id: string;
  accountId: string;
  operation: string;
  params: Record<string, unknown>;
  outputDir: string;
  status: BatchStatus;
  createdAt: string;
  updatedAt: string;
  counts: Record<BatchItemStatus, number>;
}

export interface BatchItemRow {
  id: number;
  batchId: string;
  seq: number;
  inputPath: string;
  outputPath: string | null;
  status: BatchItemStatus;
  error: string | null;
  generationId: number | null;
  attempts: number;
  updatedAt: string;
}

interface BatchDbRow {
  id: string;
  account_id: string;
  operation: string;
  params_json: string;
  output_dir: string;
  status: BatchStatus;
  created_at: string;
  updated_at: string;
}

interface ItemDbRow {
  id: number;
  batch_id: string;
  seq: number;
  input_path: string;
  output_path: string | null;
  status: BatchItemStatus;
  error: string | null;
  generation_id: number | null;
  attempts: number;
  updated_at: string;
}

function toItem(r: ItemDbRow): BatchItemRow {
  return {
    id: r.id,
    batchId: r.batch_id,
    seq: r.seq,
    inputPath: r.input_path,
    outputPath: r.output_path,
    status: r.status,
    error: r.error,
    generationId: r.generation_id,
    attempts: r.attempts,
    updatedAt: r.updated_at,
  };
}

export class Batches {
  constructor(
    private readonly db: Db,
    private readonly currentAccount: () => string,
    private readonly prepare: (g: NewGeneration) => Promise<PreparedGeneration>,
    /** The database file, which a pool thread opens to write a finished item's record. */
    private readonly file: string,
  ) {}

  createBatch(input: {
    id?: string;
    accountId?: string;
    operation: string;
    params: Record<string, unknown>;
    outputDir: string;
  }): BatchRow {
    const id = input.id ?? randomUUID();
    const now = new Date().toISOString();
    this.db
      .prepare(
        `INSERT INTO batches (id, account_id, operation, params_json, output_dir, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'running', ?, ?)`,
      )
      .run(
        id,
        input.accountId ?? this.currentAccount(),
        input.operation,
        JSON.stringify(input.params),
        input.outputDir,
        now,
        now,
      );
    return this.getBatch(id);
  }

  /** Appends items after the last seq; returns them in order. */
  addBatchItems(
    batchId: string,
    items: readonly { inputPath: string; outputPath?: string | null }[],
  ): BatchItemRow[] {
    this.getBatch(batchId);
    const now = new Date().toISOString();
    const insert = this.db.prepare(
      `INSERT INTO batch_items (batch_id, seq, input_path, output_path, status, attempts, updated_at)
       VALUES (?, ?, ?, ?, 'pending', 0, ?)`,
    );
    // IMMEDIATE: a deferred transaction that reads max(seq) and then writes fails at once with
    // SQLITE_BUSY when another process (the CLI and the app on one profile) committed in between;
    // taking the write lock up front lets busy_timeout wait for it instead.
    return this.db
      .transaction(() => {
        const last = this.db
          .prepare('SELECT max(seq) FROM batch_items WHERE batch_id = ?')
          .pluck()
          .get(batchId) as number | null;
        const ids: number[] = [];
        items.forEach((item, i) => {
          ids.push(
            Number(
              insert.run(batchId, (last ?? -1) + 1 + i, item.inputPath, item.outputPath ?? null, now)
                .lastInsertRowid,
            ),
          );
        });
        return ids.map((id) => this.getItem(id));
      })
      .immediate();
  }

  pendingItems(batchId: string, limit = 1_000_000): BatchItemRow[] {
    const rows = this.db
      .prepare("SELECT * FROM batch_items WHERE batch_id = ? AND status = 'pending' ORDER BY seq LIMIT ?")
      .all(batchId, limit) as ItemDbRow[];
    return rows.map(toItem);
  }

  items(batchId: string): BatchItemRow[] {
    const rows = this.db
      .prepare('SELECT * FROM batch_items WHERE batch_id = ? ORDER BY seq')
      .all(batchId) as ItemDbRow[];
    return rows.map(toItem);
  }

  getItem(itemId: number): BatchItemRow {
    const row = this.db.prepare('SELECT * FROM batch_items WHERE id = ?').get(itemId) as
      ItemDbRow | undefined;
    if (!row)
      throw new AtelierError('NOT_FOUND', `No batch item ${itemId}`, { hint: 'list the batch items again' });
    return toItem(row);
  }

  /** Counts an attempt; the item stays failed (not retried automatically) until set back to pending. */
  markItemFailed(
    itemId: number,
    error: string,
    status: 'failed' | 'skipped' | 'pending' = 'failed',
  ): BatchItemRow {
    this.getItem(itemId);
    this.db
      .prepare(
        'UPDATE batch_items SET status = ?, error = ?, attempts = attempts + 1, updated_at = ? WHERE id = ?',
      )
      .run(status, error, new Date().toISOString(), itemId);
    return this.getItem(itemId);
  }

  /** Writes the generation and marks the item done (with its output path) in one transaction. */
  async completeItemWithGeneration(
    itemId: number,
    generation: NewGeneration,
    options: { outputPath?: string; debit?: DebitInput } & RecordOptions = {},
  ): Promise<{ item: BatchItemRow; generation: GenerationRow }> {
    const item = this.getItem(itemId);
    const prepared = await this.prepare({ ...generation, batchId: generation.batchId ?? item.batchId });
    const { debit, outputPath, ...recordOptions } = options;
    // A big record is written on a pool thread's connection, off the engine's thread (record-port.ts):
    // the item's status and its generation still commit in one transaction.
    const row = await recordGenerationRow(this.db, {
      file: this.file,
      prepared,
      ...(debit ? { debit } : {}),
      options: recordOptions,
      batchItem: { itemId, outputPath: outputPath ?? null },
    });
    return { item: this.getItem(itemId), generation: row };
  }

  setBatchStatus(batchId: string, status: BatchStatus): BatchRow {
    this.getBatch(batchId);
    this.db
      .prepare('UPDATE batches SET status = ?, updated_at = ? WHERE id = ?')
      .run(status, new Date().toISOString(), batchId);
    return this.getBatch(batchId);
  }

  getBatch(batchId: string): BatchRow {
    const row = this.db.prepare('SELECT * FROM batches WHERE id = ?').get(batchId) as BatchDbRow | undefined;
    if (!row) {
      throw new AtelierError('NOT_FOUND', `No batch ${batchId}`, { hint: 'list batches to find its id' });
    }
    return this.toBatch(row);
  }

  listBatches(options: { accountId?: string; status?: BatchStatus; limit?: number } = {}): BatchRow[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM batches WHERE account_id = ? AND (? IS NULL OR status = ?)
         ORDER BY created_at DESC, id LIMIT ?`,
      )
      .all(
        options.accountId ?? this.currentAccount(),
        options.status ?? null,
        options.status ?? null,
        options.limit ?? 100,
      ) as BatchDbRow[];
    return rows.map((r) => this.toBatch(r));
  }

  private toBatch(r: BatchDbRow): BatchRow {
    const counts: Record<BatchItemStatus, number> = { pending: 0, done: 0, failed: 0, skipped: 0 };
    const rows = this.db
      .prepare('SELECT status, count(*) AS n FROM batch_items WHERE batch_id = ? GROUP BY status')
      .all(r.id) as { status: BatchItemStatus; n: number }[];
    for (const c of rows) counts[c.status] = c.n;
    return {
      id: r.id,
      accountId: r.account_id,
      operation: r.operation,
      params: JSON.parse(r.params_json) as Record<string, unknown>,
      outputDir: r.output_dir,
      status: r.status,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      counts,
    };
  }
}
