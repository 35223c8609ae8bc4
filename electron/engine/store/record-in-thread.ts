/**
 * Writing a history record on a pool thread's own SQLite connection (issue 20). A 12–24 MP record is
 * tens of MB of Base64 written to the WAL and committed: 150–550 ms of synchronous work that, on the
 * engine's host thread, froze IPC and the UI. Here the same transaction (writeGeneration, plus the batch
 * item's status) runs on another connection to the same file: WAL lets the host keep reading meanwhile,
 * BEGIN IMMEDIATE and the busy timeout serialize writers, and the transaction is still one, so an item,
 * its images, its token debit and its quota use land together or not at all.
 *
 * This module runs in the pool's threads (workers/tasks.ts 'record'); the host side is record-port.ts.
 */
import Database from 'better-sqlite3';
import { applyConnectionPragmas, databaseError, type Db } from './database';
import { writeGeneration, type PreparedGeneration } from './generations';
import type { DebitInput, GenerationRow, RecordOptions } from './types';
import { asBuffer } from '../workers/transfer';

export interface RecordTaskInput {
  /** The profile's database file (the host's connection has opened and migrated it). */
  file: string;
  /** The prepared record without its raw image bytes (what writeGeneration reads). */
  prepared: PreparedGeneration;
  debit?: DebitInput;
  options: RecordOptions;
  /** A batch item marked done with this generation, in the same transaction. */
  batchItem?: { itemId: number; outputPath: string | null };
}

export function recordInThread(task: RecordTaskInput): { generation: GenerationRow } {
  // A connection per record, closed after it: opening costs about a millisecond beside a commit of
  // megabytes, and nothing stays open on a file the host may compact, restore or delete.
  let db: Db | undefined;
  try {
    db = new Database(task.file, { fileMustExist: true });
    applyConnectionPragmas(db);
    return { generation: writeRecord(db, task) };
  } finally {
    db?.close();
  }
}

/**
 * The record's one transaction on `db` (a pool thread's connection, or the host's for a small record:
 * record-port.ts); SQLite's failures (a full disk, a locked file) come back as DATABASE errors.
 */
export function writeRecord(db: Db, task: RecordTaskInput): GenerationRow {
  try {
    return db
      .transaction(() => {
        const row = writeGeneration(db, withBuffers(task.prepared), task.debit, task.options);
        if (task.batchItem) {
          db.prepare(
            `UPDATE batch_items SET status = 'done', error = NULL, generation_id = ?, attempts = attempts + 1,
             output_path = coalesce(?, output_path), updated_at = ? WHERE id = ?`,
          ).run(row.id, task.batchItem.outputPath, new Date().toISOString(), task.batchItem.itemId);
        }
        return row;
      })
      .immediate();
  } catch (error) {
    throw error instanceof Database.SqliteError ? databaseError(error, task.file) : error;
  }
}

/** The Base64 bytes arrive as plain Uint8Arrays; better-sqlite3 binds Buffers. */
function withBuffers(prepared: PreparedGeneration): PreparedGeneration {
  const fix = <T extends { base64: string | Uint8Array } | null | undefined>(image: T): T =>
    image && typeof image.base64 !== 'string' ? { ...image, base64: asBuffer(image.base64) } : image;
  return {
    ...prepared,
    inputImage: fix(prepared.inputImage),
    outputImage: fix(prepared.outputImage),
    ...(prepared.edit
      ? { edit: { ...prepared.edit, modelMask: fix(prepared.edit.modelMask), mask: fix(prepared.edit.mask) } }
      : {}),
  };
}
