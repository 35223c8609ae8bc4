/**
 * The shape every operation shares. An operation is split into three stages so the job queue can
 * pipeline them: `decode` (file I/O + sharp), `process` (model inference + pixel work, the serial
 * bottleneck on a CPU) and `encode` (sharp + an atomic write). Params are validated by the
 * operation's zod schema: the API contract and the CLI both use that one schema.
 */
import type { z } from 'zod';
import type { SerializedError } from '../errors';
import { parseParams } from './params';
import type { ModelSessions } from '../models/sessions';
import type { ProviderReport } from '../models/providers';
import type { EncodedMask } from '../imaging/mask-png';
import type { ImageInput } from '../store/types';

export type OperationName = 'cutout' | 'background' | 'stylize' | 'compose';
export type ImageFormat = 'png' | 'webp' | 'jpeg';

/** Milliseconds spent in each stage of one item. */
export interface StageTimings {
  decode: number;
  process: number;
  encode: number;
  total: number;
  /** Writing the generation to the history (images as Base64, thumbnails), after `total`. */
  record?: number;
}

export type ItemStatus = 'done' | 'failed' | 'skipped' | 'cancelled';

/** One line of `--json` output and one item of a batch's results. */
export interface OperationResult {
  input: string;
  output: string;
  status: ItemStatus;
  provider?: ProviderReport;
  model?: string;
  timings: StageTimings;
  error?: SerializedError;
  /** Why an item was skipped, or a remark (e.g. "given twice, processed once"). */
  note?: string;
}

export interface OperationContext {
  sessions: ModelSessions;
  /** Decompression-bomb guard: images with more pixels are refused before being decoded. */
  maxPixels: number;
  /**
   * Whether the history will keep the input file of the item being decoded (a recorded run, privacy
   * mode off): then an operation may make its stored form where it reads the file. Absent: it will not.
   */
  recordsOriginal?: () => boolean;
}

/**
 * What an encode stage hands the history besides the written file: a cut-out's mask, kept with the
 * item, and what the history stores of the picture and the mask when the pool made it with them.
 */
export interface EncodedOutput {
  bytes: Buffer;
  /** The picture's size, thumbnail and stored form (else the history measures the bytes itself). */
  picture?: Pick<ImageInput, 'width' | 'height' | 'thumbnail' | 'stored'>;
  mask?: EncodedMask & Pick<ImageInput, 'stored'>;
  /** The input file with its history form, when the decode made it (`recordsOriginal`). */
  original?: ImageInput;
}
/** An operation's encoded result: the written file's bytes, or those plus what the history keeps. */
export type Encoded = Buffer | EncodedOutput;

export function encodedParts(encoded: Encoded): EncodedOutput {
  return Buffer.isBuffer(encoded) ? { bytes: encoded } : encoded;
}

/** What the pipeline gives an encode stage besides its data. */
export interface EncodeWork {
  signal?: AbortSignal;
}

export interface Processed<X> {
  value: X;
  /** Absent for operations that run no model. */
  provider?: ProviderReport;
}

export interface Operation<P, D, X> {
  readonly name: OperationName;
  readonly schema: z.ZodType<P>;
  /** The model this run uses (recorded with each generation). */
  modelId(params: P): string;
  outputFormat(params: P): ImageFormat;
  decode(input: string, params: P, ctx: OperationContext): Promise<D>;
  process(decoded: D, params: P, ctx: OperationContext): Promise<Processed<X>>;
  /**
   * Encodes and writes `output` atomically; returns the encoded bytes (for the history). Aborting
   * `work.signal` cancels pixel work still in the worker pool (a CANCELLED error).
   */
  encode(processed: X, params: P, output: string, work?: EncodeWork): Promise<Encoded>;
  /** What decoding had to tell the user about the input (e.g. only an animation's first frame used). */
  noteOf?(decoded: D): string | undefined;
}

/** An operation with its params bound: what the job queue runs, item after item. */
export interface BoundOperation {
  readonly name: OperationName;
  readonly params: unknown;
  readonly model: string;
  readonly format: ImageFormat;
  decode(input: string): Promise<unknown>;
  process(decoded: unknown): Promise<Processed<unknown>>;
  encode(processed: unknown, output: string, work?: EncodeWork): Promise<Encoded>;
  noteOf?(decoded: unknown): string | undefined;
}

export function bindOperation<P, D, X>(
  op: Operation<P, D, X>,
  rawParams: unknown,
  ctx: OperationContext,
): BoundOperation {
  const params = parseParams(op.schema, rawParams, op.name);
  return {
    name: op.name,
    params,
    model: op.modelId(params),
    format: op.outputFormat(params),
    decode: (input) => op.decode(input, params, ctx),
    process: (decoded) => op.process(decoded as D, params, ctx),
    encode: (processed, output, work) => op.encode(processed as X, params, output, work),
    noteOf: (decoded) => op.noteOf?.(decoded as D),
  };
}
