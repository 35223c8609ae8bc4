/**
 * The original photo blurred behind the subject, as a normalized convolution weighted by "not
 * subject": the background around the subject is filled from its surroundings instead of smearing
 * the subject's colours outward. Where almost nothing but subject is within reach of the blur, the
 * colour comes from a very wide fill of the whole frame instead (a plain blur there would leave a
 * ghost of the subject). Same algorithm at full resolution (engine) and display size (preview).
 */
import { gaussianBoxes, SHARP_BLUR_SIGMA } from './raster';
import type { Plane8, Rgba8 } from './types';

/** Side of the small copy the distant fill is computed on. */
const FILL_SIDE = 96;
/** Weight of the distant fill against the local blur (the local blur wins wherever it sees background). */
const FALLBACK = 0.04;

/**
 * `photo` (RGBA, already placed and sized like the output) blurred with `radius` as the Gaussian's
 * σ in output pixels, the subject (`mask`, same size) kept out of it. Opaque result.
 */
export function blurredPhoto(photo: Rgba8, mask: Plane8, radius: number): Rgba8 {
  const { width, height } = photo;
  const sigma = SHARP_BLUR_SIGMA * Math.max(0.3, radius);
  // A wide blur loses nothing on a smaller copy: the weighted colours are averaged over f×f blocks,
  // blurred there with σ/f ≥ 3 and read back bilinearly. At 24 MP this also keeps the working set
  // at a few tens of MB instead of full-size float planes.
  let f = Math.max(1, Math.floor(sigma / 3));
  if (width < 2 * f || height < 2 * f) f = 1;
  const near = weightedBlocks(photo, mask, f);
  gaussianBoxes(near.data, near.width, near.height, 4, sigma / f);
  const far = distantFill(photo, mask);
  const out = new Uint8ClampedArray(width * height * 4);
  const nearAt = new Float32Array(4);
  const farAt = new Float32Array(4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      bilinear(near, x, y, f, f, nearAt);
      bilinear(far.grid, x, y, far.fx, far.fy, farAt);
      const w = nearAt[3]!;
      const o = (y * width + x) * 4;
      for (let c = 0; c < 3; c++) out[o + c] = (nearAt[c]! + farAt[c]! * FALLBACK) / (w + FALLBACK);
      out[o + 3] = 255;
    }
  }
  return { data: out, width, height };
}

/**
 * How much a pixel counts as background, from its mask value: (1 − α)², so the edge band, whose
 * colour is still mostly the subject's, counts little and leaves no coloured ghost in the blur.
 */
function notSubject(alpha: number): number {
  const w = (255 - alpha) / 255;
  return w * w;
}

/** Interleaved float channels on a grid. */
interface Grid {
  data: Float32Array;
  width: number;
  height: number;
}

/**
 * Block means over f×f source pixels of (r·w, g·w, b·w, w) with w the "not subject" weight
 * (f = 1: every pixel its own cell).
 */
function weightedBlocks(photo: Rgba8, mask: Plane8, f: number): Grid {
  const { width, height } = photo;
  const gw = Math.ceil(width / f);
  const gh = Math.ceil(height / f);
  const grid = new Float32Array(gw * gh * 4);
  const count = new Float32Array(gw * gh);
  const p = photo.data;
  const m = mask.data;
  for (let y = 0; y < height; y++) {
    const row = Math.floor(y / f) * gw;
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const g = row + Math.floor(x / f);
      const w = notSubject(m[i]!);
      const o = g * 4;
      grid[o]! += p[i * 4]! * w;
      grid[o + 1]! += p[i * 4 + 1]! * w;
      grid[o + 2]! += p[i * 4 + 2]! * w;
      grid[o + 3]! += w;
      count[g]! += 1;
    }
  }
  if (f > 1) for (let g = 0; g < gw * gh; g++) for (let k = 0; k < 4; k++) grid[g * 4 + k]! /= count[g]!;
  return { data: grid, width: gw, height: gh };
}

/**
 * What the background probably looks like behind a large subject: a normalized convolution a quarter
 * of the frame wide on a ~96 px copy, falling back to the mean background colour where even that
 * sees only subject. Returned as a grid with its pixels-per-cell along each axis.
 */
function distantFill(photo: Rgba8, mask: Plane8): { grid: Grid; fx: number; fy: number } {
  const { width, height } = photo;
  const k = Math.min(1, FILL_SIDE / Math.max(width, height));
  const sw = Math.max(1, Math.round(width * k));
  const sh = Math.max(1, Math.round(height * k));
  const small = new Float32Array(sw * sh * 4);
  const count = new Float32Array(sw * sh);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(sh - 1, Math.floor((y * sh) / height));
    for (let x = 0; x < width; x++) {
      const c = sy * sw + Math.min(sw - 1, Math.floor((x * sw) / width));
      const i = y * width + x;
      const w = notSubject(mask.data[i]!);
      small[c * 4]! += photo.data[i * 4]! * w;
      small[c * 4 + 1]! += photo.data[i * 4 + 1]! * w;
      small[c * 4 + 2]! += photo.data[i * 4 + 2]! * w;
      small[c * 4 + 3]! += w;
      count[c]! += 1;
    }
  }
  const mean = [0, 0, 0];
  let total = 0;
  for (let c = 0; c < sw * sh; c++) {
    for (let j = 0; j < 4; j++) small[c * 4 + j]! /= Math.max(1, count[c]!);
    for (let j = 0; j < 3; j++) mean[j]! += small[c * 4 + j]!;
    total += small[c * 4 + 3]!;
  }
  for (let j = 0; j < 3; j++) mean[j] = total > 0 ? mean[j]! / total : 128;
  gaussianBoxes(small, sw, sh, 4, SHARP_BLUR_SIGMA * Math.max(0.3, 0.25 * Math.max(sw, sh)));
  const fill = new Float32Array(sw * sh * 4);
  for (let c = 0; c < sw * sh; c++) {
    const wt = small[c * 4 + 3]!;
    for (let j = 0; j < 3; j++)
      fill[c * 4 + j] = Math.min(255, (small[c * 4 + j]! + mean[j]! * 0.01) / (wt + 0.01));
  }
  return { grid: { data: fill, width: sw, height: sh }, fx: width / sw, fy: height / sh };
}

/** Bilinear read of a 4-channel grid at output pixel (x, y), `fx`×`fy` output pixels per cell. */
function bilinear(g: Grid, x: number, y: number, fx: number, fy: number, out: Float32Array): void {
  const gx = Math.min(g.width - 1, Math.max(0, (x + 0.5) / fx - 0.5));
  const gy = Math.min(g.height - 1, Math.max(0, (y + 0.5) / fy - 0.5));
  const x0 = Math.floor(gx);
  const y0 = Math.floor(gy);
  const x1 = Math.min(g.width - 1, x0 + 1);
  const y1 = Math.min(g.height - 1, y0 + 1);
  const tx = gx - x0;
  const ty = gy - y0;
  const d = g.data;
  const a = (y0 * g.width + x0) * 4;
  const b = (y0 * g.width + x1) * 4;
  const c = (y1 * g.width + x0) * 4;
  const e = (y1 * g.width + x1) * 4;
  for (let k = 0; k < 4; k++) {
    const top = d[a + k]! + (d[b + k]! - d[a + k]!) * tx;
    const bottom = d[c + k]! + (d[e + k]! - d[c + k]!) * tx;
    out[k] = top + (bottom - top) * ty;
  }
}
