import type { Engine } from '../engine';
import type { GenerationRow } from '../store';
import type { HistoryItem } from './contract';

/** The editor's view of a row: its mask, its root and version count, whether it can be re-rendered. */
export interface EditInfo {
  maskImageId: number | null;
  versionOf: number | null;
  versions: number;
  latestOutputImageId?: number | null;
  rerenderBlockedReason: string | null;
}

/** History rows as the UI sees them, with their editor info (one query for the whole page). */
export function toHistoryItems(engine: Engine, rows: readonly GenerationRow[]): HistoryItem[] {
  const summaries = engine.editor.records.summaries(rows.map((r) => r.id));
  return rows.map((row) => {
    const s = summaries.get(row.id);
    return toHistoryItem(row, {
      maskImageId: s?.maskImageId ?? null,
      versionOf: s && s.rootId !== row.id ? s.rootId : null,
      versions: s?.versions ?? 0,
      latestOutputImageId: s?.latestOutputImageId ?? null,
      rerenderBlockedReason: engine.editor.blockedReason(row),
    });
  });
}

export function historyItemOf(engine: Engine, row: GenerationRow): HistoryItem {
  return toHistoryItems(engine, [row])[0]!;
}

/** A history row as the UI sees it (images are referenced by id, never inlined). */
export function toHistoryItem(row: GenerationRow, edit: EditInfo): HistoryItem {
  return {
    id: row.id,
    operation: row.operation,
    status: row.status,
    error: row.error,
    inputName: row.inputName,
    inputImageId: row.inputImageId,
    outputImageId: row.outputImageId,
    inputPurged: row.inputPurged,
    privacyMode: row.inputPurged,
    outputExpired: row.outputExpired,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    pinned: row.pinned,
    model: row.model,
    provider: row.provider,
    tokensSpent: row.tokensSpent,
    params: row.params,
    timings: row.timings,
    sourceGenerationId: row.sourceGenerationId,
    batchId: row.batchId,
    maskImageId: edit.maskImageId,
    versionOf: edit.versionOf,
    versions: edit.versions,
    latestOutputImageId: edit.latestOutputImageId ?? null,
    canRerender: edit.rerenderBlockedReason === null,
    rerenderBlockedReason: edit.rerenderBlockedReason,
  };
}
