/**
 * Where a batch's plan and progress are kept so that quitting or crashing mid-batch and starting
 * again resumes the remaining items. The engine uses the profile's store (batches / batch_items
 * tables, see store-journal.ts); `MemoryJournal` keeps the same record in memory for hosts running
 * without a store (nothing to resume after a restart there).
 */
import { randomUUID } from 'node:crypto';
import { AtelierError, type SerializedError } from '../errors';
import type { GenerationCharge } from '../operations/charge-port';
import type { Encoded, OperationName, OperationResult } from '../operations/types';

// The charge port lives with the operations' types so regenerate (operations) and the queue (jobs) share
// it without either importing the other.
export type { ChargePort, GenerationCharge } from '../operations/charge-port';

export type BatchStatus = 'running' | 'paused' | 'cancelled' | 'done';
export type JournalItemStatus = 'pending' | 'done' | 'failed' | 'skipped';

export interface BatchRecord {
  id: string;
  operation: OperationName;
  params: Record<string, unknown>;
  outputDir: string;
  status: BatchStatus;
  createdAt: string;
}

export interface JournalItem {
  id: string;
  seq: number;
  input: string;
  output: string;
  status: JournalItemStatus;
  error?: string;
}

export interface NewBatchItem {
  input: string;
  output: string;
  status: JournalItemStatus;
  error?: SerializedError;
}

export interface BatchJournal {
  createBatch(spec: {
    operation: OperationName;
    params: Record<string, unknown>;
    outputDir: string;
    items: readonly NewBatchItem[];
  }): { batch: BatchRecord; items: JournalItem[] };
  /** Adds items to a batch (watch mode grows its batch as files arrive). */
  appendItems(batchId: string, items: readonly NewBatchItem[]): JournalItem[];
  loadBatch(batchId: string): { batch: BatchRecord; items: JournalItem[] } | undefined;
  /**
   * The most recent batch that is not done (running when the process died, paused or cancelled), or,
   * with `withFailures`, that is done but has failed items (what `--resume --retry` finishes).
   */
  lastUnfinished(
    accept?: (batchId: string) => boolean,
    options?: { withFailures?: boolean },
  ): BatchRecord | undefined;
  /** Marks an item done and records its generation in one transaction. */
  itemDone(
    batch: BatchRecord,
    item: JournalItem,
    result: OperationResult,
    encoded: Encoded | undefined,
    charge?: GenerationCharge,
  ): Promise<void>;
  itemFailed(batch: BatchRecord, item: JournalItem, error: SerializedError): void;
  itemSkipped(batch: BatchRecord, item: JournalItem, note: string | undefined): void;
  /** Puts failed items back to pending (retry). */
  resetFailed(batchId: string): void;
  setStatus(batchId: string, status: BatchStatus): void;
}

export function errorLine(e: SerializedError): string {
  return e.hint ? `${e.message} — ${e.hint}` : e.message;
}

export class MemoryJournal implements BatchJournal {
  private readonly batches = new Map<string, { batch: BatchRecord; items: JournalItem[] }>();

  createBatch(spec: Parameters<BatchJournal['createBatch']>[0]) {
    const batch: BatchRecord = {
      id: randomUUID(),
      operation: spec.operation,
      params: spec.params,
      outputDir: spec.outputDir,
      status: 'running',
      createdAt: new Date().toISOString(),
    };
    const items = spec.items.map((it, seq) => ({
      id: String(seq),
      seq,
      input: it.input,
      output: it.output,
      status: it.status,
      ...(it.error ? { error: errorLine(it.error) } : {}),
    }));
    this.batches.set(batch.id, { batch, items });
    return { batch: { ...batch }, items: items.map((i) => ({ ...i })) };
  }

  appendItems(batchId: string, items: readonly NewBatchItem[]): JournalItem[] {
    const batch = this.require(batchId);
    const added = items.map((it, i) => ({
      id: String(batch.items.length + i),
      seq: batch.items.length + i,
      input: it.input,
      output: it.output,
      status: it.status,
      ...(it.error ? { error: errorLine(it.error) } : {}),
    }));
    batch.items.push(...added);
    return added.map((i) => ({ ...i }));
  }

  loadBatch(batchId: string) {
    const found = this.batches.get(batchId);
    return found ? { batch: { ...found.batch }, items: found.items.map((i) => ({ ...i })) } : undefined;
  }

  lastUnfinished(
    accept: (batchId: string) => boolean = () => true,
    options: { withFailures?: boolean } = {},
  ): BatchRecord | undefined {
    return [...this.batches.values()]
      .reverse()
      .find(
        (b) =>
          (b.batch.status !== 'done' ||
            (options.withFailures === true && b.items.some((i) => i.status === 'failed'))) &&
          accept(b.batch.id),
      )?.batch;
  }

  async itemDone(batch: BatchRecord, item: JournalItem): Promise<void> {
    this.update(batch.id, item.id, { status: 'done' });
  }

  itemFailed(batch: BatchRecord, item: JournalItem, error: SerializedError): void {
    this.update(batch.id, item.id, { status: 'failed', error: errorLine(error) });
  }

  itemSkipped(batch: BatchRecord, item: JournalItem): void {
    this.update(batch.id, item.id, { status: 'skipped' });
  }

  resetFailed(batchId: string): void {
    for (const item of this.require(batchId).items) if (item.status === 'failed') item.status = 'pending';
  }

  setStatus(batchId: string, status: BatchStatus): void {
    this.require(batchId).batch.status = status;
  }

  private update(batchId: string, itemId: string, patch: Partial<JournalItem>): void {
    const item = this.require(batchId).items.find((i) => i.id === itemId);
    if (item) Object.assign(item, patch);
  }

  private require(batchId: string) {
    const found = this.batches.get(batchId);
    if (!found)
      throw new AtelierError('NOT_FOUND', `No batch ${batchId}`, { hint: 'list batches with --resume' });
    return found;
  }
}
