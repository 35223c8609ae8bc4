import { boxMean } from './box-filter';
import type { Pixels } from './types';

/** Alpha at or above this counts as known subject; at or below LOW as known background. */
export const KNOWN_HIGH = 250;
export const KNOWN_LOW = 5;
/** How much the wide window counts next to the narrow one: it only fills where the narrow one is empty. */
const WIDE_SHARE = 0.05;
/** Known share of a window (narrow-equivalent) at which its mean colour is fully trusted. */
const FULL_TRUST = 0.02;

/**
 * Per cell of a coarse grid: the mean colour of the known subject pixels nearby and of the known
 * background pixels nearby, each with a trust in 0..1, interleaved as 8 floats per cell
 * (F r,g,b, F trust, B r,g,b, B trust; colours 0..255). Two windows: a narrow one (`radius`) so the
 * colours are the ones right at the edge, and a 4× wider one that fills in where the narrow window has
 * no known pixel (deep inside a wide uncertain band). Box means only, so the cost is O(cells) and the
 * field is smooth: no blocks when it is sampled bilinearly at full resolution.
 */
export interface LocalColours {
  cells: Float32Array;
  width: number;
  height: number;
  /** Full-resolution pixels per grid cell along each axis. */
  cell: number;
}

/**
 * Builds the field from the full-resolution photo and alpha in one pass: each `cell`×`cell` block's
 * known subject and background pixels are summed, then box means over the grid give the local means.
 */
export function localColours(image: Pixels, alpha: Uint8Array, cell: number, radius: number): LocalColours {
  const { width, height, channels: ch, data } = image;
  const w = Math.ceil(width / cell);
  const h = Math.ceil(height / cell);
  const n = w * h;
  const planes = Array.from({ length: 8 }, () => new Float32Array(n));
  const [fr, fg, fb, fw, br, bg, bb, bw] = planes as [
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
  ];
  const cellOfX = new Int32Array(width);
  for (let x = 0; x < width; x++) cellOfX[x] = Math.floor(x / cell);
  // A sparse lattice of at most 4×4 samples per cell estimates a mean colour as well as every pixel
  // and costs a sixteenth of the full-resolution pass on large photos.
  const step = Math.max(1, Math.floor(cell / 4));
  for (let y = 0; y < height; y += step) {
    const row = Math.floor(y / cell) * w;
    for (let x = 0, i = y * width, s = i * ch; x < width; x += step, i += step, s += step * ch) {
      const a = alpha[i]!;
      if (a > KNOWN_LOW && a < KNOWN_HIGH) continue;
      const g = row + cellOfX[x]!;
      const r = data[s]!;
      const gr = ch >= 3 ? data[s + 1]! : r;
      const b = ch >= 3 ? data[s + 2]! : r;
      if (a >= KNOWN_HIGH) {
        fr[g]! += r;
        fg[g]! += gr;
        fb[g]! += b;
        fw[g]! += 1;
      } else {
        br[g]! += r;
        bg[g]! += gr;
        bb[g]! += b;
        bw[g]! += 1;
      }
    }
  }
  const area = Math.ceil(cell / step) ** 2;
  for (let g = 0; g < n; g++) {
    fw[g]! /= area;
    bw[g]! /= area;
  }
  const cells = new Float32Array(n * 8);
  const wide = Math.max(radius + 1, radius * 4);
  for (let k = 0; k < 8; k += 4) {
    const narrowW = boxMean(planes[k + 3]!, w, h, radius);
    const wideW = boxMean(planes[k + 3]!, w, h, wide);
    for (let c = 0; c < 3; c++) {
      const narrow = boxMean(planes[k + c]!, w, h, radius);
      const far = boxMean(planes[k + c]!, w, h, wide);
      // Sums over a cell are colour × count, so mean(sum) / (mean(count) · area) is the mean colour.
      for (let i = 0; i < n; i++) {
        const weight = (narrowW[i]! + WIDE_SHARE * wideW[i]!) * area;
        cells[i * 8 + k + c] = weight > 0 ? (narrow[i]! + WIDE_SHARE * far[i]!) / weight : 0;
      }
    }
    for (let i = 0; i < n; i++) {
      const weight = narrowW[i]! + WIDE_SHARE * wideW[i]!;
      cells[i * 8 + k + 3] = Math.min(1, weight / FULL_TRUST);
    }
  }
  return { cells, width: w, height: h, cell };
}

/** Bilinear sample of the field at full-resolution pixel (x, y), into out[0..7]. Returns out. */
export function sampleColours(f: LocalColours, x: number, y: number, out: Float32Array): Float32Array {
  const sx = (x + 0.5) / f.cell - 0.5;
  const sy = (y + 0.5) / f.cell - 0.5;
  const gx = sx < 0 ? 0 : sx > f.width - 1 ? f.width - 1 : sx;
  const gy = sy < 0 ? 0 : sy > f.height - 1 ? f.height - 1 : sy;
  const x0 = gx | 0;
  const y0 = gy | 0;
  const x1 = x0 + 1 < f.width ? x0 + 1 : x0;
  const y1 = y0 + 1 < f.height ? y0 + 1 : y0;
  const fx = gx - x0;
  const fy = gy - y0;
  const c = f.cells;
  const a = (y0 * f.width + x0) * 8;
  const b = (y0 * f.width + x1) * 8;
  const d = (y1 * f.width + x0) * 8;
  const e = (y1 * f.width + x1) * 8;
  for (let k = 0; k < 8; k++) {
    const top = c[a + k]! + (c[b + k]! - c[a + k]!) * fx;
    const bottom = c[d + k]! + (c[e + k]! - c[d + k]!) * fx;
    out[k] = top + (bottom - top) * fy;
  }
  return out;
}
