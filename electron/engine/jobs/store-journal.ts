/**
 * The batch journal kept in the profile's SQLite store (batches / batch_items). An item's generation
 * (input and output images, params, provider, timings, token debit) and its "done" mark are written in
 * one transaction by the store, so a crash can never leave one without the other: on resume an item
 * is either done with its history entry, or pending and run again.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SerializedError } from '../errors';
import { encodedParts, type Encoded, type OperationName, type OperationResult } from '../operations/types';
import type { BatchItemRow, BatchRow } from '../store/batches';
import type { DebitInput, NewGeneration, RecordOptions } from '../store/types';
import {
  errorLine,
  type BatchJournal,
  type BatchRecord,
  type BatchStatus,
  type GenerationCharge,
  type JournalItem,
  type NewBatchItem,
} from './journal';
import { mimeForExtension } from '../imaging/mime';

/** The store methods the journal needs (the store's Batches satisfies it). */
export interface BatchStorePort {
  createBatch(input: { operation: string; params: Record<string, unknown>; outputDir: string }): BatchRow;
  addBatchItems(
    batchId: string,
    items: readonly { inputPath: string; outputPath?: string | null }[],
  ): BatchItemRow[];
  items(batchId: string): BatchItemRow[];
  markItemFailed(itemId: number, error: string, status?: 'failed' | 'skipped' | 'pending'): BatchItemRow;
  completeItemWithGeneration(
    itemId: number,
    generation: NewGeneration,
    options?: { outputPath?: string; debit?: DebitInput } & RecordOptions,
  ): Promise<unknown>;
  setBatchStatus(batchId: string, status: BatchStatus): BatchRow;
  getBatch(batchId: string): BatchRow;
  listBatches(options?: { status?: BatchStatus; limit?: number }): BatchRow[];
}

export class StoreJournal implements BatchJournal {
  constructor(private readonly store: BatchStorePort) {}

  createBatch(spec: {
    operation: OperationName;
    params: Record<string, unknown>;
    outputDir: string;
    items: readonly NewBatchItem[];
  }): { batch: BatchRecord; items: JournalItem[] } {
    const row = this.store.createBatch({
      operation: spec.operation,
      params: spec.params,
      outputDir: spec.outputDir,
    });
    this.appendItems(row.id, spec.items);
    return { batch: toRecord(this.store.getBatch(row.id)), items: this.store.items(row.id).map(toItem) };
  }

  appendItems(batchId: string, items: readonly NewBatchItem[]): JournalItem[] {
    const rows = this.store.addBatchItems(
      batchId,
      items.map((i) => ({ inputPath: i.input, outputPath: i.output })),
    );
    return rows.map((r, index) => {
      const planned = items[index];
      if (!planned || planned.status === 'pending') return toItem(r);
      const status = planned.status === 'skipped' ? 'skipped' : 'failed';
      return toItem(
        this.store.markItemFailed(r.id, planned.error ? errorLine(planned.error) : status, status),
      );
    });
  }

  loadBatch(batchId: string): { batch: BatchRecord; items: JournalItem[] } | undefined {
    let row: BatchRow;
    try {
      row = this.store.getBatch(batchId);
    } catch {
      return undefined;
    }
    return { batch: toRecord(row), items: this.store.items(batchId).map(toItem) };
  }

  lastUnfinished(
    accept: (batchId: string) => boolean = () => true,
    options: { withFailures?: boolean } = {},
  ): BatchRecord | undefined {
    const hasFailures = (id: string) => this.store.items(id).some((i) => i.status === 'failed');
    const row = this.store
      .listBatches({ limit: 1000 })
      .find(
        (b) => (b.status !== 'done' || (options.withFailures === true && hasFailures(b.id))) && accept(b.id),
      );
    return row ? toRecord(row) : undefined;
  }

  async itemDone(
    batch: BatchRecord,
    item: JournalItem,
    result: OperationResult,
    encoded: Encoded | undefined,
    charge?: GenerationCharge,
  ): Promise<void> {
    const mime = mimeForExtension(path.extname(item.output));
    const out = encoded ? encodedParts(encoded) : undefined;
    // The input as the decode made it (cut-outs), or read here.
    const input = out?.original ?? { bytes: await readFile(item.input) };
    const generation: NewGeneration = {
      operation: batch.operation,
      params: batch.params,
      model: result.model ?? null,
      provider: result.provider?.used ?? null,
      timings: { ...result.timings },
      status: 'done',
      inputName: path.basename(item.input),
      input,
      output: out ? { bytes: out.bytes, ...(mime ? { mime } : {}), ...out.picture } : null,
      batchId: batch.id,
      // A cut-out keeps its full-resolution mask with the item: later re-renders need no model run.
      ...(out?.mask ? { edit: { modelMask: out.mask } } : {}),
    };
    await this.store.completeItemWithGeneration(Number(item.id), generation, {
      outputPath: item.output,
      ...(charge?.debit ? { debit: charge.debit } : {}),
      ...(charge?.options ?? {}),
    });
  }

  itemFailed(_batch: BatchRecord, item: JournalItem, error: SerializedError): void {
    this.store.markItemFailed(Number(item.id), errorLine(error), 'failed');
  }

  itemSkipped(_batch: BatchRecord, item: JournalItem, note: string | undefined): void {
    this.store.markItemFailed(Number(item.id), note ?? 'skipped', 'skipped');
  }

  resetFailed(batchId: string): void {
    for (const item of this.store.items(batchId)) {
      if (item.status === 'failed') this.store.markItemFailed(item.id, item.error ?? 'retry', 'pending');
    }
  }

  setStatus(batchId: string, status: BatchStatus): void {
    this.store.setBatchStatus(batchId, status);
  }
}

function toRecord(row: BatchRow): BatchRecord {
  return {
    id: row.id,
    operation: row.operation as OperationName,
    params: row.params,
    outputDir: row.outputDir,
    status: row.status,
    createdAt: row.createdAt,
  };
}

function toItem(row: BatchItemRow): JournalItem {
  return {
    id: String(row.id),
    seq: row.seq,
    input: row.inputPath,
    output: row.outputPath ?? '',
    status: row.status,
    ...(row.error ? { error: row.error } : {}),
  };
}
