/**
 * The compositor's Gaussian blur: three "extended box" passes (Gwosdek, Grewenig, Bruhn, Weickert
 * 2011), each a running sum over 2r + 1 values plus a fraction α of the next value on each side, so
 * the three together have exactly the variance asked for, at any σ. A plain integer box can only
 * reach r(r + 1) in steps: blurs came out up to 20 % too wide or narrow, and small ones (a preview's
 * shadow, a blur radius seen at display size) up to three times too wide, so the preview and the
 * saved picture disagreed on how soft things were. Wide blurs run on a smaller copy (f × f block
 * means, read back bilinearly); what the blocks and the read-back blur themselves is taken off what
 * the passes add, so the total is still the σ asked for, whatever f the size of the picture led to.
 */
import { slotFloats } from './scratch';

/**
 * Blur sizes of backgrounds and shadows were tuned under sharp's blur(sigma), which truncates its
 * Gaussian where it falls below 0.2 of the peak (libvips' min_ampl): an effective standard deviation
 * of about 0.83 σ. The core's blurs use that effective σ, so the looks stay as tuned.
 */
export const SHARP_BLUR_SIGMA = 0.83;

/** Below this σ (pixels) a blur changes nothing visible: it is skipped. */
const NO_BLUR_SIGMA = 0.05;

/** One pass's extended box: weight 1 on x − r … x + r and `alpha` on x ± (r + 1), times `norm`. */
interface ExtendedBox {
  r: number;
  alpha: number;
  norm: number;
}

/** The extended box whose variance is `variance` (pixels²). */
export function extendedBox(variance: number): ExtendedBox {
  const v = Math.max(0, variance);
  // The widest integer box not wider than asked: its variance r(r + 1)/3 ≤ v.
  const r = Math.max(0, Math.floor((Math.sqrt(12 * v + 1) - 1) / 2));
  // The end taps make up the rest: (Σ k² over the box + 2α(r + 1)²) / (2r + 1 + 2α) = v.
  const alpha = ((2 * r + 1) * (3 * v - r * (r + 1))) / (6 * ((r + 1) * (r + 1) - v));
  return { r, alpha, norm: 1 / (2 * r + 1 + 2 * alpha) };
}

/**
 * The variance (output pixels², per axis) that averaging f × f blocks and reading them back
 * bilinearly adds by itself: the block's (f² − 1)/12 and the tent's, summed over the output pixels
 * around a grid node as the read-back places them (half-pixel centres).
 */
export function reductionVariance(f: number): number {
  if (f <= 1) return 0;
  let weights = 0;
  let moments = 0;
  // Offsets of output pixels from a node: whole for odd f, halves for even f.
  const start = f % 2 === 1 ? -(f - 1) : -(f - 0.5);
  for (let d = start; d < f; d++) {
    const w = 1 - Math.abs(d) / f;
    weights += w;
    moments += w * d * d;
  }
  return (f * f - 1) / 12 + moments / weights;
}

/** Gaussian blur of `sigma` (pixels) of interleaved float channels, in place. */
export function blurFloat(
  data: Float32Array,
  width: number,
  height: number,
  channels: number,
  sigma: number,
): void {
  // A wide blur loses nothing on a smaller copy: blur at 1/f (still ~2 cells wide or more), then
  // scale back (bilinear). Keeps a 24 px blur on a 1600 px preview at a few milliseconds.
  const f = Math.floor(sigma / 2);
  if (f >= 2 && width >= 2 * f && height >= 2 * f)
    return blurReduced(data, width, height, channels, sigma, f);
  gaussianBoxes(data, width, height, channels, sigma * sigma);
}

/**
 * Three extended box passes at this size, of `variance` (pixels²) in all: the Gaussian of that
 * variance on interleaved floats, in place. For a grid of f × f block means, ask for
 * `gridVariance(sigma, f)`.
 */
export function gaussianBoxes(
  data: Float32Array,
  width: number,
  height: number,
  channels: number,
  variance: number,
): void {
  if (variance < NO_BLUR_SIGMA * NO_BLUR_SIGMA || width === 0 || height === 0) return;
  const box = extendedBox(variance / 3);
  const tmp = slotFloats('box blur', data.length);
  for (let pass = 0; pass < 3; pass++) boxBlurPass(data, width, height, channels, box, tmp);
}

/** The variance (grid cells²) to blur a grid of f × f block means with, for `sigma` in all. */
export function gridVariance(sigma: number, f: number): number {
  return Math.max(0, sigma * sigma - reductionVariance(f)) / (f * f);
}

/**
 * In-place extended-box blur of `channels` interleaved channels, horizontal then vertical; past the
 * border the edge pixel repeats (libvips' extend-copy, what the engine's sharp blurs do).
 */
function boxBlurPass(
  data: Float32Array,
  width: number,
  height: number,
  channels: number,
  box: ExtendedBox,
  tmp: Float32Array,
): void {
  if (channels === 4) rgbaRows(data, width, height, box, tmp);
  else rows(data, width, height, channels, box, tmp);
  columns(data, width * channels, height, box, tmp);
}

/** boxBlurPass's horizontal half, a channel at a time: `data` → `tmp`. */
function rows(
  data: Float32Array,
  width: number,
  height: number,
  channels: number,
  { r, alpha, norm }: ExtendedBox,
  tmp: Float32Array,
): void {
  const lastX = width - 1;
  for (let y = 0; y < height; y++) {
    const row = y * width * channels;
    for (let c = 0; c < channels; c++) {
      const base = row + c;
      let sum = 0;
      for (let k = -r; k <= r; k++) sum += data[base + (k < 0 ? 0 : k > lastX ? lastX : k) * channels]!;
      for (let x = 0; x < width; x++) {
        // The next value enters the sum; the one before the window gets the end weight with it.
        const xn = x + r + 1;
        const xp = x - r - 1;
        const xd = x - r;
        const next = data[base + (xn > lastX ? lastX : xn) * channels]!;
        const prev = data[base + (xp < 0 ? 0 : xp) * channels]!;
        tmp[base + x * channels] = (sum + alpha * (prev + next)) * norm;
        sum += next - data[base + (xd < 0 ? 0 : xd) * channels]!;
      }
    }
  }
}

/**
 * boxBlurPass's horizontal half for RGBA, `data` → `tmp`: the four channels of a pixel side by side,
 * each step reading and writing one pixel's consecutive floats (about twice as fast as `rows`).
 */
function rgbaRows(
  data: Float32Array,
  width: number,
  height: number,
  { r, alpha, norm }: ExtendedBox,
  tmp: Float32Array,
): void {
  const lastX = width - 1;
  for (let y = 0; y < height; y++) {
    const base = y * width * 4;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let k = -r; k <= r; k++) {
      const o = base + (k < 0 ? 0 : k > lastX ? lastX : k) * 4;
      s0 += data[o]!;
      s1 += data[o + 1]!;
      s2 += data[o + 2]!;
      s3 += data[o + 3]!;
    }
    for (let x = 0, o = base; x < width; x++, o += 4) {
      const xn = x + r + 1;
      const xp = x - r - 1;
      const xd = x - r;
      const n = base + (xn > lastX ? lastX : xn) * 4;
      const p = base + (xp < 0 ? 0 : xp) * 4;
      const d = base + (xd < 0 ? 0 : xd) * 4;
      tmp[o] = (s0 + alpha * (data[p]! + data[n]!)) * norm;
      tmp[o + 1] = (s1 + alpha * (data[p + 1]! + data[n + 1]!)) * norm;
      tmp[o + 2] = (s2 + alpha * (data[p + 2]! + data[n + 2]!)) * norm;
      tmp[o + 3] = (s3 + alpha * (data[p + 3]! + data[n + 3]!)) * norm;
      s0 += data[n]! - data[d]!;
      s1 += data[n + 1]! - data[d + 1]!;
      s2 += data[n + 2]! - data[d + 2]!;
      s3 += data[n + 3]! - data[d + 3]!;
    }
  }
}

/** boxBlurPass's vertical half, `tmp` → `data`, rows `stride` floats long. */
function columns(
  data: Float32Array,
  stride: number,
  height: number,
  { r, alpha, norm }: ExtendedBox,
  tmp: Float32Array,
): void {
  const lastY = height - 1;
  const rowAt = (y: number) => (y < 0 ? 0 : y > lastY ? lastY : y) * stride;
  const colSums = new Float64Array(stride);
  for (let k = -r; k <= r; k++) {
    const o = rowAt(k);
    for (let i = 0; i < stride; i++) colSums[i]! += tmp[o + i]!;
  }
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    const next = rowAt(y + r + 1);
    const before = rowAt(y - r - 1);
    const drop = rowAt(y - r);
    for (let i = 0; i < stride; i++) {
      const sum = colSums[i]!;
      const n = tmp[next + i]!;
      data[row + i] = (sum + alpha * (tmp[before + i]! + n)) * norm;
      colSums[i] = sum + n - tmp[drop + i]!;
    }
  }
}

/** blurFloat on a copy reduced f times: f × f block means, blurred, read back bilinearly. */
function blurReduced(
  data: Float32Array,
  width: number,
  height: number,
  channels: number,
  sigma: number,
  f: number,
): void {
  const sw = Math.ceil(width / f);
  const sh = Math.ceil(height / f);
  const small = new Float32Array(sw * sh * channels);
  const count = new Float32Array(sw * sh);
  // Per column, its cell and its bilinear taps on the small grid: computed once, not per pixel.
  const cellOf = new Int32Array(width);
  const x0s = new Int32Array(width);
  const x1s = new Int32Array(width);
  const txs = new Float64Array(width);
  for (let x = 0; x < width; x++) {
    cellOf[x] = Math.floor(x / f);
    const fx = Math.min(sw - 1, Math.max(0, (x + 0.5) / f - 0.5));
    const x0 = Math.floor(fx);
    x0s[x] = x0;
    x1s[x] = Math.min(sw - 1, x0 + 1);
    txs[x] = fx - x0;
  }
  for (let y = 0; y < height; y++) {
    const row = Math.floor(y / f) * sw;
    if (channels === 1) {
      for (let x = 0, o = y * width; x < width; x++, o++) {
        const c = row + cellOf[x]!;
        count[c]! += 1;
        small[c]! += data[o]!;
      }
      continue;
    }
    for (let x = 0; x < width; x++) {
      const c = row + cellOf[x]!;
      count[c]! += 1;
      const o = (y * width + x) * channels;
      for (let k = 0; k < channels; k++) small[c * channels + k]! += data[o + k]!;
    }
  }
  for (let c = 0; c < sw * sh; c++) for (let k = 0; k < channels; k++) small[c * channels + k]! /= count[c]!;
  gaussianBoxes(small, sw, sh, channels, gridVariance(sigma, f));
  for (let y = 0; y < height; y++) {
    const fy = Math.min(sh - 1, Math.max(0, (y + 0.5) / f - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(sh - 1, y0 + 1);
    const ty = fy - y0;
    const r0 = y0 * sw;
    const r1 = y1 * sw;
    if (channels === 1) {
      for (let x = 0, o = y * width; x < width; x++, o++) {
        const x0 = x0s[x]!;
        const x1 = x1s[x]!;
        const tx = txs[x]!;
        const top = small[r0 + x0]! + (small[r0 + x1]! - small[r0 + x0]!) * tx;
        const bottom = small[r1 + x0]! + (small[r1 + x1]! - small[r1 + x0]!) * tx;
        data[o] = top + (bottom - top) * ty;
      }
      continue;
    }
    for (let x = 0; x < width; x++) {
      const tx = txs[x]!;
      const a = (r0 + x0s[x]!) * channels;
      const b = (r0 + x1s[x]!) * channels;
      const c = (r1 + x0s[x]!) * channels;
      const d = (r1 + x1s[x]!) * channels;
      const o = (y * width + x) * channels;
      for (let k = 0; k < channels; k++) {
        const top = small[a + k]! + (small[b + k]! - small[a + k]!) * tx;
        const bottom = small[c + k]! + (small[d + k]! - small[c + k]!) * tx;
        data[o + k] = top + (bottom - top) * ty;
      }
    }
  }
}
