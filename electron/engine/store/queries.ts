/**
 * History queries, always scoped to one account: pages newest first with keyset pagination (an opaque
 * cursor of the last row's created_at and id, so page N costs the same as page 1), filters and counts.
 */
import { z } from 'zod';
import { AtelierError } from '../errors';
import type { Db } from './database';
import { toGeneration, type GenerationDbRow } from './generations';
import type { GenerationRow, GenerationStatus } from './types';
import { notTrashed } from './trash';

export interface HistoryFilter {
  operation?: string;
  status?: GenerationStatus;
  /** Inclusive lower bound on created time. */
  from?: Date | string;
  /** Exclusive upper bound on created time. */
  to?: Date | string;
  /** Case-insensitive substring of the original file name. */
  text?: string;
  pinned?: boolean;
  batchId?: string;
  /** Leave out re-render versions (they are listed with their root: history.versions). */
  rootsOnly?: boolean;
}

export interface HistoryPageQuery extends HistoryFilter {
  limit?: number;
  cursor?: string | null;
}

export interface HistoryPage {
  items: GenerationRow[];
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

export const MAX_PAGE_SIZE = 500;

const cursorSchema = z.object({ c: z.string(), i: z.number().int() });

function encodeCursor(row: GenerationRow): string {
  return Buffer.from(JSON.stringify({ c: row.createdAt, i: row.id })).toString('base64url');
}

function decodeCursor(cursor: string): z.infer<typeof cursorSchema> {
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch (cause) {
    throw new AtelierError('USAGE', `Invalid history cursor: ${cursor.slice(0, 40)}`, {
      hint: 'pass back the nextCursor of the previous page unchanged',
      cause,
    });
  }
}

function isoTime(value: Date | string, field: string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new AtelierError('USAGE', `Invalid date for ${field}: ${String(value)}`, {
      hint: 'use YYYY-MM-DD or an ISO time',
    });
  }
  return date.toISOString();
}

function whereClause(accountId: string, f: HistoryFilter): { sql: string; args: unknown[] } {
  // Items in the trash (deleted, still undoable) are gone as far as every query is concerned.
  const parts = ['account_id = ?', notTrashed()];
  const args: unknown[] = [accountId];
  if (f.operation) {
    parts.push('operation = ?');
    args.push(f.operation);
  }
  if (f.status) {
    parts.push('status = ?');
    args.push(f.status);
  }
  if (f.from !== undefined) {
    parts.push('created_at >= ?');
    args.push(isoTime(f.from, 'from'));
  }
  if (f.to !== undefined) {
    parts.push('created_at < ?');
    args.push(isoTime(f.to, 'to'));
  }
  if (f.text) {
    parts.push("input_name LIKE ? ESCAPE '\\'");
    args.push(`%${f.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }
  if (f.pinned !== undefined) {
    parts.push('pinned = ?');
    args.push(f.pinned ? 1 : 0);
  }
  if (f.batchId) {
    parts.push('batch_id = ?');
    args.push(f.batchId);
  }
  if (f.rootsOnly)
    parts.push('NOT EXISTS (SELECT 1 FROM item_versions v WHERE v.generation_id = generations.id)');
  return { sql: parts.join(' AND '), args };
}

export function historyPage(db: Db, accountId: string, q: HistoryPageQuery = {}): HistoryPage {
  const limit = q.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new AtelierError('USAGE', `Page size (limit) must be 1–${MAX_PAGE_SIZE}, got ${limit}`, {
      hint: 'ask for fewer items per page',
    });
  }
  const where = whereClause(accountId, q);
  if (q.cursor) {
    const c = decodeCursor(q.cursor);
    where.sql += ' AND (created_at < ? OR (created_at = ? AND id < ?))';
    where.args.push(c.c, c.c, c.i);
  }
  const rows = db
    .prepare(`SELECT * FROM generations WHERE ${where.sql} ORDER BY created_at DESC, id DESC LIMIT ?`)
    .all(...where.args, limit + 1) as GenerationDbRow[];
  const items = rows.slice(0, limit).map(toGeneration);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}

export function countHistory(db: Db, accountId: string, f: HistoryFilter = {}): number {
  const where = whereClause(accountId, f);
  return db
    .prepare(`SELECT count(*) FROM generations WHERE ${where.sql}`)
    .pluck()
    .get(...where.args) as number;
}

/** Counts per operation and status, for the history sidebar. */
export function historySummary(
  db: Db,
  accountId: string,
): { total: number; byOperation: Record<string, number>; byStatus: Record<string, number> } {
  const byOperation: Record<string, number> = {};
  const byStatus: Record<string, number> = {};
  let total = 0;
  const rows = db
    .prepare(
      `SELECT operation, status, count(*) AS n FROM generations
       WHERE account_id = ? AND ${notTrashed()} GROUP BY operation, status`,
    )
    .all(accountId) as { operation: string; status: string; n: number }[];
  for (const r of rows) {
    total += r.n;
    byOperation[r.operation] = (byOperation[r.operation] ?? 0) + r.n;
    byStatus[r.status] = (byStatus[r.status] ?? 0) + r.n;
  }
  return { total, byOperation, byStatus };
}
