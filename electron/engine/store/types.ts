/** The shapes the store accepts and returns (rows are camelCase views of the tables in migrations.ts). */
import type { Stroke } from '../api/contract';
import type { PreparedImage } from './images';

/** An image handed to the store. mime/width/height/thumbnail are worked out with sharp when absent. */
export interface ImageInput {
  bytes: Buffer;
  mime?: string;
  width?: number;
  height?: number;
  /** A WebP of at most 256 px a side; made from `bytes` when absent. */
  thumbnail?: Buffer;
  /** Its sha256 and Base64 as stored, when the caller made them already (with `bytes`, in the pool). */
  stored?: { sha256: string; base64: Buffer };
}

export type GenerationStatus = 'done' | 'failed';

export interface NewGeneration {
  /** Defaults to the store's current account. */
  accountId?: string;
  operation: string;
  params: Record<string, unknown>;
  model?: string | null;
  provider?: string | null;
  /** Milliseconds per stage, e.g. { decode: 12, inference: 340, total: 400 }. */
  timings?: Record<string, number>;
  tokensSpent?: number;
  status: GenerationStatus;
  error?: string | null;
  /** The original file's name (shown in history, searched by the text filter). */
  inputName?: string | null;
  input?: ImageInput | null;
  /**
   * Instead of `input`: an image this account already stores (a re-render of a stored original), so
   * its bytes are neither read, hashed nor sent again.
   */
  inputImageId?: number | null;
  output?: ImageInput | null;
  batchId?: string | null;
  sourceGenerationId?: number | null;
  createdAt?: Date;
  /** The editor's data kept with a cut-out (store/edits.ts): masks, strokes, version link. */
  edit?: NewEdit;
}

export interface NewEdit {
  /** This row is a re-render version of that root item (no model run). */
  versionOf?: number;
  /** A model ran: its full-resolution mask (grayscale PNG) becomes the root's model mask. */
  modelMask?: ImageInput;
  /** The effective mask this output was rendered with (model mask + strokes), when it differs. */
  mask?: ImageInput;
  /**
   * The stored mask this version was rendered from, when it was loaded rather than computed: the version
   * records it, not whatever the root's mask is by the time the row is written (strokes saved meanwhile).
   */
  renderedMaskImageId?: number;
  /** The root's hand edits after this write (absent: unchanged). */
  strokes?: Stroke[];
  /** The root's revision this write started from: CONFLICT when another save moved it on. */
  baseRevision?: number;
}

export interface PreparedEdit {
  versionOf: number | undefined;
  modelMask: PreparedImage | null;
  mask: PreparedImage | null;
  renderedMaskImageId: number | undefined;
  strokes: Stroke[] | undefined;
  baseRevision: number | undefined;
}

/** A cut-out root's editable state. */
export interface EditState {
  rootId: number;
  modelMaskImageId: number | null;
  /** Model mask + strokes; equal to modelMaskImageId when there are no strokes. */
  maskImageId: number | null;
  strokes: Stroke[];
  revision: number;
  updatedAt: string;
}

export interface GenerationRow {
  id: number;
  accountId: string;
  operation: string;
  params: Record<string, unknown>;
  model: string | null;
  provider: string | null;
  timings: Record<string, number>;
  tokensSpent: number;
  status: GenerationStatus;
  error: string | null;
  inputName: string | null;
  inputImageId: number | null;
  outputImageId: number | null;
  /** True when privacy mode kept the input out of the history (regeneration is then unavailable). */
  inputPurged: boolean;
  /** True when the retention sweeper removed the output. */
  outputExpired: boolean;
  batchId: string | null;
  createdAt: string;
  expiresAt: string | null;
  pinned: boolean;
  sourceGenerationId: number | null;
}

export interface ImageMeta {
  id: number;
  accountId: string;
  sha256: string;
  mime: string;
  byteSize: number;
  width: number;
  height: number;
}

export interface StoredImage extends ImageMeta {
  bytes: Buffer;
}

export interface GenerationWithImages extends GenerationRow {
  input: ImageMeta | null;
  output: ImageMeta | null;
}

export interface DebitInput {
  /** A UUID: the idempotency key the server sees. */
  id: string;
  tokens: number;
  operation: string;
}

export interface RecordOptions {
  /** Also count one use of the anonymous daily free quota for this day (YYYY-MM-DD), in the same transaction. */
  quotaDay?: string;
  /** The token reservation this generation consumes (deleted in the same transaction). */
  reservationId?: string;
}
