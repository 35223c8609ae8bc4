/**
 * The style engine's entry point: anime and painted looks at full resolution, generic over any style
 * model the manifest describes. Pipeline: validate → load + check the model's contract → downscale
 * to processing size → run the model (whole, or in seamless overlapping tiles) → back to full size
 * with the original's fine detail → blend by strength and mask.
 */
import type { Mask, RawImage } from '../imaging/raw';
import type { ProviderReport } from '../models/providers';
import type { ModelSessions } from '../models/sessions';
import { loadStyleModel, type StyleModelShape } from './contract';
import { assertModeMask, assertValidImage, resolveStylizeOptions, type StylizeOptions } from './options';
import { fitLongSide } from './raw-resize';
import { runStyleModel } from './run-model';
import { styleFinishInPool, styleInputInPool } from '../workers/pixel-work';

export interface StylizeTimings {
  /** Loading (first use) or fetching the cached session, plus the contract check. */
  loadMs: number;
  /** Downscaling to processing size. */
  prepareMs: number;
  /** Time inside onnxruntime only. */
  inferenceMs: number;
  /** Model run end to end: tiling, tensors, inference, blending tiles. */
  modelMs: number;
  /** Back to full size with detail, then strength/mask blending. */
  finishMs: number;
  totalMs: number;
}

export interface StylizeResult {
  /** Full-size result with the input's size and channel count (alpha kept as it was). */
  image: RawImage;
  /** Which execution provider ran, and why a fallback happened. */
  provider: ProviderReport;
  timings: StylizeTimings;
  /** Model runs' tiles (1 for dynamic models; 0 when strength is 0 and nothing ran). */
  tiles: number;
  /** Size the look was computed at. */
  processedSize: { width: number; height: number };
}

/**
 * Fixed-size models (the 256² portrait students) were trained on crops where a face fills the frame:
 * a photo smaller than the processing size is enlarged up to this factor so faces reach the model
 * big enough to be painted rather than smeared (cloth-1 at 1×: a blurred face with ghosted eyes; at
 * 2×: clean painted eyes and skin, judged at 100 %). Dynamic models paint at any scale: never enlarged.
 */
const MAX_ENLARGEMENT = 2;

function processingSizeFor(
  image: RawImage,
  processingSize: number,
  shape: StyleModelShape,
): { width: number; height: number } {
  if (shape.size === 'dynamic') return fitLongSide(image.width, image.height, processingSize);
  const longSide = Math.max(image.width, image.height);
  const scale = Math.min(MAX_ENLARGEMENT, processingSize / longSide);
  return {
    width: Math.max(1, Math.round(image.width * scale)),
    height: Math.max(1, Math.round(image.height * scale)),
  };
}

/**
 * Restyles `image` with a style model. Options not given take their defaults (see StylizeOptions):
 * model 'anime-facepaint', provider 'auto', processingSize 2048, strength 1, mode 'full'.
 * Throws AtelierError: USAGE (bad option, missing or mis-sized mask, not a style model), NOT_FOUND /
 * MODEL_MISSING / MODEL_CORRUPT (from the registry), MODEL_CONTRACT (file and manifest disagree),
 * PROVIDER_UNAVAILABLE, CANCELLED (options.signal aborted between tile batches).
 */
export async function stylizeImage(
  image: RawImage,
  options: Partial<StylizeOptions>,
  sessions: ModelSessions,
): Promise<StylizeResult> {
  const started = performance.now();
  assertValidImage(image);
  const opts = resolveStylizeOptions(options);
  const mask: Mask | undefined = assertModeMask(opts, image);

  const { model, shape } = await loadStyleModel(sessions, opts.model, opts.provider);
  const loadedAt = performance.now();

  const processedSize = processingSizeFor(image, opts.processingSize, shape);
  if (opts.strength === 0) {
    const zero = loadedAt - started;
    return {
      image: { ...image, data: Buffer.from(image.data) },
      provider: model.provider,
      timings: { loadMs: zero, prepareMs: 0, inferenceMs: 0, modelMs: 0, finishMs: 0, totalMs: zero },
      tiles: 0,
      processedSize,
    };
  }

  // The pixel stages run in the worker pool; this thread only orchestrates.
  const modelInput = await styleInputInPool(image, processedSize);
  const preparedAt = performance.now();

  const run = await runStyleModel(modelInput, model, shape, opts.tileOverlap, {
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  const ranAt = performance.now();

  const result = await styleFinishInPool({
    image,
    modelInput,
    styled: run.image,
    strength: opts.strength,
    mode: opts.mode,
    mask,
  });
  const finishedAt = performance.now();

  return {
    image: result,
    provider: model.provider,
    timings: {
      loadMs: loadedAt - started,
      prepareMs: preparedAt - loadedAt,
      inferenceMs: run.inferenceMs,
      modelMs: ranAt - preparedAt,
      finishMs: finishedAt - ranAt,
      totalMs: finishedAt - started,
    },
    tiles: run.tiles,
    processedSize,
  };
}
