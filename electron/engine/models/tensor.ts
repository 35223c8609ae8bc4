import { AtelierError } from '../errors';
import type { RawImage } from '../imaging/raw';
import type { ModelEntry, TensorInput, TensorOutput } from './manifest';

/**
 * Converts between pixels and tensors following a model's manifest contract (layout, channel order,
 * value range, mean/std), so matte and style code never hard-codes a model's preprocessing.
 */
export function imageToTensorData(img: RawImage, input: TensorInput): Float32Array {
  if (img.channels < 3) throw new Error('imageToTensorData expects RGB or RGBA pixels');
  const { width, height, channels, data } = img;
  const plane = width * height;
  const out = new Float32Array(plane * 3);
  const [lo, hi] = input.range;
  const scale = (hi - lo) / 255;
  const order = input.channels === 'BGR' ? [2, 1, 0] : [0, 1, 2];
  const mul = [0, 1, 2].map((c) => scale / input.std[c]!);
  const add = [0, 1, 2].map((c) => (lo - input.mean[c]!) / input.std[c]!);
  const nchw = input.layout === 'NCHW';
  for (let i = 0; i < plane; i++) {
    const src = i * channels;
    for (let c = 0; c < 3; c++) {
      const v = data[src + order[c]!]! * mul[c]! + add[c]!;
      out[nchw ? c * plane + i : i * 3 + c] = v;
    }
  }
  return out;
}

export function tensorDims(input: TensorInput, width: number, height: number): number[] {
  return input.layout === 'NCHW' ? [1, 3, height, width] : [1, height, width, 3];
}

/** Reads a model's [1,1,H,W] / [1,H,W,1] / [1,H,W] map as 0..255, applying min-max or range scaling. */
export function tensorToMask(
  values: Float32Array,
  width: number,
  height: number,
  output: TensorOutput,
): Uint8Array {
  const plane = width * height;
  if (values.length < plane) {
    throw new AtelierError(
      'MODEL_CONTRACT',
      `Model output has ${values.length} values, expected at least ${plane}`,
    );
  }
  const map = output.activation === 'sigmoid' ? sigmoid(values, plane) : values;
  let lo = output.range[0];
  let hi = output.range[1];
  if (output.normalize === 'minmax') {
    lo = Infinity;
    hi = -Infinity;
    for (let i = 0; i < plane; i++) {
      const v = map[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (!(hi > lo)) hi = lo + 1;
  }
  const scale = 255 / (hi - lo);
  const out = new Uint8Array(plane);
  for (let i = 0; i < plane; i++) {
    const v = (map[i]! - lo) * scale;
    // Truncated, as rembg's (pred * 255).astype(uint8): masks then match the reference implementation.
    out[i] = v <= 0 ? 0 : v >= 255 ? 255 : Math.floor(v);
  }
  return out;
}

/** Logits to probabilities, for models whose last layer has no sigmoid (BiRefNet). */
function sigmoid(values: Float32Array, count: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = 1 / (1 + Math.exp(-values[i]!));
  return out;
}

/** Reads a model's RGB output as interleaved 8-bit RGB. */
export function tensorToRgb(
  values: Float32Array,
  width: number,
  height: number,
  output: TensorOutput,
): Buffer {
  const plane = width * height;
  if (values.length !== plane * 3) {
    throw new AtelierError(
      'MODEL_CONTRACT',
      `Model output has ${values.length} values, expected ${plane * 3} (3×${height}×${width})`,
    );
  }
  const [lo, hi] = output.range;
  const scale = 255 / (hi - lo);
  const nchw = output.layout === 'NCHW';
  const out = Buffer.allocUnsafe(plane * 3);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) {
      const v = (values[nchw ? c * plane + i : i * 3 + c]! - lo) * scale;
      out[i * 3 + c] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
    }
  }
  return out;
}

/** The size a model wants for an image: fixed, or the image scaled within maxSide and rounded. */
export function modelInputSize(
  entry: ModelEntry,
  width: number,
  height: number,
): { width: number; height: number } {
  const size = entry.input.size;
  if (size !== 'dynamic') return size;
  const maxSide = entry.input.maxSide ?? 1024;
  const multiple = entry.input.multipleOf ?? 32;
  const scale = Math.min(1, maxSide / Math.max(width, height));
  const round = (v: number) => Math.max(multiple, Math.round((v * scale) / multiple) * multiple);
  return { width: round(width), height: round(height) };
}
