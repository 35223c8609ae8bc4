/**
 * Writing and reading generation rows. `writeGeneration` is synchronous and must run inside a
 * transaction (Store.recordGeneration and Batches.completeItemWithGeneration provide one), so the
 * images, the row, the token debit and the quota count land together or not at all.
 */
import { AtelierError } from '../errors';
import type { Db } from './database';
import { writeEdit } from './edits';
import { imageMeta, putImage, type PreparedImage } from './images';
import { incrementQuotaIn, insertDebit, removeReservation } from './ledger';
import { privacyMode, retentionDays } from './settings';
import type {
  DebitInput,
  GenerationRow,
  GenerationStatus,
  NewGeneration,
  PreparedEdit,
  RecordOptions,
} from './types';

export interface PreparedGeneration {
  accountId: string;
  input: NewGeneration;
  inputImage: PreparedImage | null;
  outputImage: PreparedImage | null;
  /** Masks and the version link (cut-outs; absent in privacy mode: no input, nothing to edit). */
  edit?: PreparedEdit | null;
}

const DAY_MS = 86_400_000;

export function writeGeneration(
  db: Db,
  prepared: PreparedGeneration,
  debit: DebitInput | undefined,
  options: RecordOptions,
): GenerationRow {
  const { accountId, input } = prepared;
  const created = input.createdAt ?? new Date();
  const now = created.toISOString();
  // Privacy mode: the original never reaches the file, which is "deleted right after the generation".
  const purgeInput = privacyMode(db, accountId);
  const inputImageId = purgeInput
    ? null
    : prepared.inputImage
      ? putImage(db, accountId, prepared.inputImage, now)
      : storedInput(db, accountId, input.inputImageId);
  const outputImageId = prepared.outputImage ? putImage(db, accountId, prepared.outputImage, now) : null;
  const days = retentionDays(db, accountId);
  const expiresAt =
    outputImageId !== null && days !== null
      ? new Date(created.getTime() + days * DAY_MS).toISOString()
      : null;
  if (input.sourceGenerationId != null) findGeneration(db, accountId, input.sourceGenerationId);
  const result = db
    .prepare(
      `INSERT INTO generations (account_id, operation, params_json, model, provider, timings_json, tokens_spent,
         status, error, input_name, input_image_id, output_image_id, input_purged, batch_id, created_at, expires_at,
         pinned, source_generation_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`,
    )
    .run(
      accountId,
      input.operation,
      JSON.stringify(input.params),
      input.model ?? null,
      input.provider ?? null,
      JSON.stringify(input.timings ?? {}),
      input.tokensSpent ?? debit?.tokens ?? 0,
      input.status,
      input.error ?? null,
      input.inputName ?? null,
      inputImageId,
      outputImageId,
      purgeInput && (prepared.inputImage || input.inputImageId != null) ? 1 : 0,
      input.batchId ?? null,
      now,
      expiresAt,
      input.sourceGenerationId ?? null,
    );
  const id = Number(result.lastInsertRowid);
  if (prepared.edit && inputImageId !== null) writeEdit(db, accountId, id, prepared.edit, now);
  if (debit) insertDebit(db, accountId, debit, id, now);
  if (options.quotaDay) incrementQuotaIn(db, accountId, options.quotaDay);
  // The reservation becomes the debit / quota use in this same transaction: counted once, never zero times.
  if (options.reservationId) removeReservation(db, options.reservationId);
  // Just inserted, so not in the trash: read back as it is.
  return toGeneration(db.prepare('SELECT * FROM generations WHERE id = ?').get(id) as GenerationDbRow);
}

/** An image the record reuses by id: it must be this account's (NOT_FOUND otherwise). */
function storedInput(db: Db, accountId: string, id: number | null | undefined): number | null {
  if (id == null) return null;
  if (!imageMeta(db, accountId, id)) {
    throw new AtelierError('NOT_FOUND', `No stored image ${id} for this account`, {
      hint: 'the original may have been deleted; open the photo again',
    });
  }
  return id;
}

export interface GenerationDbRow {
  id: number;
  account_id: string;
  operation: string;
  params_json: string;
  model: string | null;
  provider: string | null;
  timings_json: string;
  tokens_spent: number;
  status: GenerationStatus;
  error: string | null;
  input_name: string | null;
  input_image_id: number | null;
  output_image_id: number | null;
  input_purged: number;
  output_expired: number;
  batch_id: string | null;
  created_at: string;
  expires_at: string | null;
  pinned: number;
  source_generation_id: number | null;
}

export function toGeneration(r: GenerationDbRow): GenerationRow {
  return {
    id: r.id,
    accountId: r.account_id,
    operation: r.operation,
    params: JSON.parse(r.params_json) as Record<string, unknown>,
    model: r.model,
    provider: r.provider,
    timings: JSON.parse(r.timings_json) as Record<string, number>,
    tokensSpent: r.tokens_spent,
    status: r.status,
    error: r.error,
    inputName: r.input_name,
    inputImageId: r.input_image_id,
    outputImageId: r.output_image_id,
    inputPurged: r.input_purged === 1,
    outputExpired: r.output_expired === 1,
    batchId: r.batch_id,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    pinned: r.pinned === 1,
    sourceGenerationId: r.source_generation_id,
  };
}

export function findGeneration(db: Db, accountId: string, id: number): GenerationRow {
  // An item in the trash is deleted as far as callers know (Undo puts it back).
  const row = db
    .prepare(
      `SELECT * FROM generations WHERE id = ? AND account_id = ?
       AND NOT EXISTS (SELECT 1 FROM trash t WHERE t.generation_id = generations.id)`,
    )
    .get(id, accountId) as GenerationDbRow | undefined;
  if (!row) {
    throw new AtelierError('NOT_FOUND', `No history item ${id} for this account`, {
      hint: 'list items with `atelier history list`; it may have been deleted or belong to another account',
    });
  }
  return toGeneration(row);
}
