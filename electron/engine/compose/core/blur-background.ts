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
  // blurred there with σ/f ≥ 2 and read back bilinearly. At 24 MP this also keeps the working set
  // at a few tens of MB instead of full-size float planes.
  let f = Math.max(1, Math.floor(sigma / 2));
  if (width < 2 * f || height < 2 * f) f = 1;
  const near = weightedBlocks(photo, mask, f);
  gaussianBoxes(near.data, near.width, near.height, 4, sigma / f);
  const far = distantFill(photo, mask);
  // The distant fill is very smooth: added into the near grid at its nodes, one bilinear read per
  // pixel then serves both (interpolation is linear, so this is the same sum, read once).
  addFill(near, f, far);
  const out = new Uint8ClampedArray(width * height * 4);
  const cols = taps(width, near.width, f);
  const row = new Float32Array(width * 4);
  for (let y = 0; y < height; y++) {
    interpolateRow(near, y, f, cols, row);
    const o = y * width * 4;
    for (let k = 0; k < row.length; k += 4) {
      const den = row[k + 3]!;
      out[o + k] = row[k]! / den;
      out[o + k + 1] = row[k + 1]! / den;
      out[o + k + 2] = row[k + 2]! / den;
      out[o + k + 3] = 255;
    }
  }
  return { data: out, width, height };
}

/** near += FALLBACK · (fill colour, 1), the fill read bilinearly at each near node's centre. */
function addFill(near: Grid, f: number, far: { grid: Grid; fx: number; fy: number }): void {
  const g = far.grid;
  const cols = taps(near.width, g.width, far.fx / f);
  const row = new Float32Array(near.width * 4);
  for (let y = 0; y < near.height; y++) {
    interpolateRow(g, y, far.fy / f, cols, row);
    const o = y * near.width * 4;
    for (let k = 0; k < row.length; k += 4) {
      near.data[o + k]! += row[k]! * FALLBACK;
      near.data[o + k + 1]! += row[k + 1]! * FALLBACK;
      near.data[o + k + 2]! += row[k + 2]! * FALLBACK;
      near.data[o + k + 3]! += FALLBACK;
    }
  }
}

/** Per output column: the two grid columns (×4, as offsets) and the weight of the second. */
interface Taps {
  x0: Int32Array;
  x1: Int32Array;
  t: Float32Array;
}

function taps(width: number, gridWidth: number, perCell: number): Taps {
  const x0 = new Int32Array(width);
  const x1 = new Int32Array(width);
  const t = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const g = Math.min(gridWidth - 1, Math.max(0, (x + 0.5) / perCell - 0.5));
    const a = Math.floor(g);
    x0[x] = a * 4;
    x1[x] = Math.min(gridWidth - 1, a + 1) * 4;
    t[x] = g - a;
  }
  return { x0, x1, t };
}

/** One output row of a 4-channel grid read bilinearly, `perCell` output rows per grid row. */
function interpolateRow(g: Grid, y: number, perCell: number, cols: Taps, out: Float32Array): void {
  const gy = Math.min(g.height - 1, Math.max(0, (y + 0.5) / perCell - 0.5));
  const y0 = Math.floor(gy);
  const ty = gy - y0;
  const r0 = y0 * g.width * 4;
  const r1 = Math.min(g.height - 1, y0 + 1) * g.width * 4;
  const d = g.data;
  for (let x = 0, k = 0; x < out.length / 4; x++, k += 4) {
    const a = cols.x0[x]!;
    const b = cols.x1[x]!;
    const tx = cols.t[x]!;
    for (let c = 0; c < 4; c++) {
      const top = d[r0 + a + c]! + (d[r0 + b + c]! - d[r0 + a + c]!) * tx;
      const bottom = d[r1 + a + c]! + (d[r1 + b + c]! - d[r1 + a + c]!) * tx;
      out[k + c] = top + (bottom - top) * ty;
    }
  }
}

/**
 * How much a pixel counts as background, by its mask value: (1 − α)², so the edge band, whose
 * colour is still mostly the subject's, counts little and leaves no coloured ghost in the blur.
 */
const NOT_SUBJECT = Float32Array.from({ length: 256 }, (_, alpha) => ((255 - alpha) / 255) ** 2);

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
  const cellOf = new Int32Array(width);
  for (let x = 0; x < width; x++) cellOf[x] = Math.floor(x / f);
  for (let y = 0; y < height; y++) {
    const row = Math.floor(y / f) * gw;
    for (let x = 0, i = y * width; x < width; x++, i++) {
      const g = row + cellOf[x]!;
      const w = NOT_SUBJECT[m[i]!]!;
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
  const cellOf = new Int32Array(width);
  for (let x = 0; x < width; x++) cellOf[x] = Math.min(sw - 1, Math.floor((x * sw) / width));
  for (let y = 0; y < height; y++) {
    const sy = Math.min(sh - 1, Math.floor((y * sh) / height));
    for (let x = 0, i = y * width; x < width; x++, i++) {
      const c = sy * sw + cellOf[x]!;
      const w = NOT_SUBJECT[mask.data[i]!]!;
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
