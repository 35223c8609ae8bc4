/** The local history store's public API (see store.ts for the class, types.ts for the shapes). */
export { Store, type Regeneration } from './store';
export type {
  DebitInput,
  GenerationRow,
  GenerationStatus,
  GenerationWithImages,
  ImageInput,
  ImageMeta,
  NewGeneration,
  RecordOptions,
  StoredImage,
} from './types';
export type { HistoryFilter, HistoryPage, HistoryPageQuery } from './queries';
export { Ledger, type BalanceStatementRow, type DebitRow, type DebitState } from './ledger';
export { Batches, type BatchItemRow, type BatchItemStatus, type BatchRow, type BatchStatus } from './batches';
export { ANONYMOUS_ACCOUNT_ID, type AccountRow } from './accounts';
export { APPLICATION_ID, openDatabase, schemaVersion, type Db } from './database';
export { LATEST_VERSION } from './migrations';
export { DEFAULT_RETENTION_DAYS } from './settings';
export { THUMBNAIL_SIZE } from '../imaging/thumbnail';
export { type ExportResult } from './export';
export { assertOutsideProfile } from './write-targets';
export { rerenderBlockedReason, PRIVACY_MODE_REASON } from './rerender';
