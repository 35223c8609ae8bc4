import type { GenerationRow } from '../store';
import type { HistoryItem } from './contract';

/** A history row as the UI sees it (images are referenced by id, never inlined). */
export function toHistoryItem(row: GenerationRow): HistoryItem {
  return {
    id: row.id,
    operation: row.operation,
    status: row.status,
    error: row.error,
    inputName: row.inputName,
    inputImageId: row.inputImageId,
    outputImageId: row.outputImageId,
    inputPurged: row.inputPurged,
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
    // Filled from the store's mask/version tables once the editor engine lands.
    maskImageId: null,
    versionOf: null,
    versions: 0,
    canRerender: false,
    rerenderBlockedReason: 'not implemented yet',
  };
}
