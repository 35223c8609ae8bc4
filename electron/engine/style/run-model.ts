/**
 * Runs a style model over an RGB image at processing size: dynamic models see the whole image once;
 * fixed-size models see overlapping tiles (batched into one tensor when the file allows it) that are
 * cross-faded back together (see tiles.ts).
 */
import { AtelierError } from '../errors';
import type { RawImage } from '../imaging/raw';
import type { LoadedModel } from '../models/sessions';
import { loadOrt } from '../models/sessions';
import { imageToTensorData, modelInputSize, tensorToRgb } from '../models/tensor';
import type { StyleModelShape } from './contract';
import { resizeRgb } from './raw-resize';
import { axisWeights, planTiles, TileAccumulator, type TilePlan } from './tiles';

/** Tiles per run for models with a dynamic batch: 4×720² floats is ~25 MB in and out. */
const MAX_BATCH = 4;

/** Cancellation and progress for long runs (many tiles on a CPU). */
export interface RunControl {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new AtelierError('CANCELLED', 'Stylize was cancelled', { hint: 'start it again when needed' });
  }
}

export interface ModelRun {
  image: RawImage;
  tiles: number;
  inferenceMs: number;
}

async function infer(model: LoadedModel, data: Float32Array, dims: number[]): Promise<Float32Array> {
  const ort = await loadOrt();
  const input = new ort.Tensor('float32', data, dims);
  let results: Awaited<ReturnType<typeof model.session.run>>;
  try {
    results = await model.session.run({ [model.inputName]: input });
  } catch (cause) {
    const message = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    throw new AtelierError(
      'MODEL_CONTRACT',
      `Style model "${model.entry.id}" rejected a ${dims.join('×')} input: ${message}`,
      {
        hint: `check input.size and input.layout of "${model.entry.id}" in the models manifest`,
        file: model.entry.file,
        cause,
      },
    );
  }
  const out = results[model.outputName];
  if (!out || !(out.data instanceof Float32Array)) {
    throw new AtelierError(
      'MODEL_CONTRACT',
      `Style model "${model.entry.id}" did not return float32 "${model.outputName}"`,
      {
        hint: 'style models must output a float32 RGB tensor',
        file: model.entry.file,
      },
    );
  }
  return out.data;
}

function batchDims(layout: 'NCHW' | 'NHWC', n: number, width: number, height: number): number[] {
  return layout === 'NCHW' ? [n, 3, height, width] : [n, height, width, 3];
}

async function runWhole(image: RawImage, model: LoadedModel, control: RunControl): Promise<ModelRun> {
  throwIfCancelled(control.signal);
  const size = modelInputSize(model.entry, image.width, image.height);
  const scaled = await resizeRgb(image, size.width, size.height);
  const started = performance.now();
  const values = await infer(
    model,
    imageToTensorData(scaled, model.entry.input),
    batchDims(model.entry.input.layout, 1, size.width, size.height),
  );
  const inferenceMs = performance.now() - started;
  control.onProgress?.(1, 1);
  const rgb = tensorToRgb(values, size.width, size.height, model.entry.output);
  const styled = await resizeRgb(
    { data: rgb, width: size.width, height: size.height, channels: 3 },
    image.width,
    image.height,
  );
  return { image: styled, tiles: 1, inferenceMs };
}

/** Reflects an index into [0, n): mirrored padding keeps a tile's content continuous at the border. */
function reflect(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  const m = ((i % period) + period) % period;
  return m < n ? m : period - m;
}

/** The tile's pixels, mirrored past the image's edges when the image is smaller than the tile. */
function cropTile(image: RawImage, x: number, y: number, width: number, height: number): RawImage {
  const out = Buffer.allocUnsafe(width * height * 3);
  const inside = x + width <= image.width && y + height <= image.height;
  for (let ty = 0; ty < height; ty++) {
    const sy = inside ? y + ty : reflect(y + ty, image.height);
    if (inside) {
      const start = (sy * image.width + x) * 3;
      image.data.copy(out, ty * width * 3, start, start + width * 3);
      continue;
    }
    for (let tx = 0; tx < width; tx++) {
      const s = (sy * image.width + reflect(x + tx, image.width)) * 3;
      const d = (ty * width + tx) * 3;
      out[d] = image.data[s]!;
      out[d + 1] = image.data[s + 1]!;
      out[d + 2] = image.data[s + 2]!;
    }
  }
  return { data: out, width, height, channels: 3 };
}

async function runTiled(
  image: RawImage,
  model: LoadedModel,
  tile: { width: number; height: number },
  dynamicBatch: boolean,
  overlap: number,
  control: RunControl,
): Promise<ModelRun & { plan: TilePlan }> {
  const plan = planTiles(image.width, image.height, tile.width, tile.height, overlap);
  const weightsX = plan.xs.map((_, i) => axisWeights(plan.xs, i, tile.width));
  const weightsY = plan.ys.map((_, i) => axisWeights(plan.ys, i, tile.height));
  const acc = new TileAccumulator(image.width, image.height);
  const perTile = tile.width * tile.height * 3;
  const batchSize = dynamicBatch ? MAX_BATCH : 1;
  let inferenceMs = 0;
  for (let first = 0; first < plan.tiles.length; first += batchSize) {
    throwIfCancelled(control.signal);
    const batch = plan.tiles.slice(first, first + batchSize);
    const data = new Float32Array(batch.length * perTile);
    batch.forEach((t, i) => {
      data.set(
        imageToTensorData(cropTile(image, t.x, t.y, tile.width, tile.height), model.entry.input),
        i * perTile,
      );
    });
    const started = performance.now();
    const values = await infer(
      model,
      data,
      batchDims(model.entry.input.layout, batch.length, tile.width, tile.height),
    );
    inferenceMs += performance.now() - started;
    batch.forEach((t, i) => {
      const rgb = tensorToRgb(
        values.subarray(i * perTile, (i + 1) * perTile),
        tile.width,
        tile.height,
        model.entry.output,
      );
      const wx = weightsX[t.ix]!;
      const wy = weightsY[t.iy]!;
      acc.add(rgb, t.x, t.y, tile.width, wx, wy);
    });
    control.onProgress?.(first + batch.length, plan.tiles.length);
  }
  return {
    image: { data: acc.toRgb(), width: image.width, height: image.height, channels: 3 },
    tiles: plan.tiles.length,
    inferenceMs,
    plan,
  };
}

/** Default overlap: a quarter of the tile, enough for the ramps to hide per-tile colour shifts. */
export function defaultTileOverlap(tile: { width: number; height: number }): number {
  return Math.round(Math.min(tile.width, tile.height) / 4);
}

export async function runStyleModel(
  image: RawImage,
  model: LoadedModel,
  shape: StyleModelShape,
  tileOverlap: number | undefined,
  control: RunControl = {},
): Promise<ModelRun> {
  if (shape.size === 'dynamic') return runWhole(image, model, control);
  const overlap = tileOverlap ?? defaultTileOverlap(shape.size);
  const maxOverlap = Math.floor(Math.min(shape.size.width, shape.size.height) / 2);
  if (overlap > maxOverlap) {
    throw new AtelierError(
      'USAGE',
      `Option "tileOverlap" is ${overlap}, at most ${maxOverlap} for "${model.entry.id}"`,
      {
        hint: `use 0..${maxOverlap} (half of the model's ${shape.size.width}×${shape.size.height} tile)`,
      },
    );
  }
  return runTiled(image, model, shape.size, shape.dynamicBatch, overlap, control);
}
