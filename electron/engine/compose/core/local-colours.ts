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
 * Opaque pixels (alpha 255) count as known subject only where `interior` is 1 (away from the edge:
 * the ones at the edge carry the old background's tint).
 */
export function localColours(
  image: Pixels,
  alpha: Uint8Array,
  interior: Uint8Array,
  cell: number,
  radius: number,
): LocalColours {
  const { width, height } = image;
  const w = Math.ceil(width / cell);
  const h = Math.ceil(height / cell);
  const n = w * h;
  const planes = Array.from({ length: 8 }, () => new Float32Array(n));
  sumKnownColours(image, alpha, interior, cell, w, planes);
  // The lattice's samples per cell (sumKnownColours takes every `step`-th pixel both ways).
  const area = Math.ceil(cell / latticeStep(cell)) ** 2;
  for (const weights of [planes[3]!, planes[7]!]) for (let g = 0; g < n; g++) weights[g]! /= area;
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

/**
 * A sparse lattice of at most 4×4 samples per cell estimates a mean colour as well as every pixel
 * and costs a sixteenth of the full-resolution pass on large photos.
 */
function latticeStep(cell: number): number {
  return Math.max(1, Math.floor(cell / 4));
}

/**
 * Sums the lattice's known subject pixels (colour into planes 0..2, count into 3) and known
 * background pixels (into 4..6 and 7) per grid cell (grid `gridWidth` wide). Each cell's run of a row
 * is summed in locals, then added to the planes once: the sums are integers well below 2^24, so
 * exact in a float in any order, and the cell's running total is not a chain of loads and stores.
 */
function sumKnownColours(
  image: Pixels,
  alpha: Uint8Array,
  interior: Uint8Array,
  cell: number,
  gridWidth: number,
  planes: Float32Array[],
): void {
  const { width, height, channels: ch, data } = image;
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
  const grey = ch < 3;
  const step = latticeStep(cell);
  for (let y = 0; y < height; y += step) {
    const row = Math.floor(y / cell) * gridWidth;
    for (let gx = 0, x = 0; gx < gridWidth; gx++) {
      let fR = 0;
      let fG = 0;
      let fB = 0;
      let fN = 0;
      let bR = 0;
      let bG = 0;
      let bB = 0;
      let bN = 0;
      const end = Math.min(width, (gx + 1) * cell);
      for (let i = y * width + x, s = i * ch; x < end; x += step, i += step, s += step * ch) {
        const a = alpha[i]!;
        if (a > KNOWN_LOW && a < KNOWN_HIGH) continue;
        const r = data[s]!;
        const gr = grey ? r : data[s + 1]!;
        const b = grey ? r : data[s + 2]!;
        if (a < KNOWN_HIGH) {
          bR += r;
          bG += gr;
          bB += b;
          bN++;
        } else if (a < 255 || interior[i] === 1) {
          fR += r;
          fG += gr;
          fB += b;
          fN++;
        }
      }
      const g = row + gx;
      if (fN > 0) {
        fr[g]! += fR;
        fg[g]! += fG;
        fb[g]! += fB;
        fw[g]! += fN;
      }
      if (bN > 0) {
        br[g]! += bR;
        bg[g]! += bG;
        bb[g]! += bB;
        bw[g]! += bN;
      }
    }
  }
}

/**
 * Bilinear samples of the field at full-resolution pixels, a row at a time: the grid rows and weight
 * of a pixel row, and the grid columns and weight of every pixel column, are worked out once (the
 * same arithmetic as for each pixel on its own, so the same values).
 */
export class ColourSampler {
  /** Per pixel column: the offsets of its left and right grid cells within a grid row, and the right one's weight. */
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  private readonly fx: Float64Array;
  private top = 0;
  private bottom = 0;
  private fy = 0;

  constructor(
    private readonly field: LocalColours,
    width: number,
  ) {
    this.left = new Int32Array(width);
    this.right = new Int32Array(width);
    this.fx = new Float64Array(width);
    for (let x = 0; x < width; x++) {
      const sx = (x + 0.5) / field.cell - 0.5;
      const gx = sx < 0 ? 0 : sx > field.width - 1 ? field.width - 1 : sx;
      const x0 = gx | 0;
      this.left[x] = x0 * 8;
      this.right[x] = (x0 + 1 < field.width ? x0 + 1 : x0) * 8;
      this.fx[x] = gx - x0;
    }
  }

  /** Moves to pixel row y. */
  row(y: number): void {
    const f = this.field;
    const sy = (y + 0.5) / f.cell - 0.5;
    const gy = sy < 0 ? 0 : sy > f.height - 1 ? f.height - 1 : sy;
    const y0 = gy | 0;
    const y1 = y0 + 1 < f.height ? y0 + 1 : y0;
    this.top = y0 * f.width * 8;
    this.bottom = y1 * f.width * 8;
    this.fy = gy - y0;
  }

  /** The field at pixel x of the current row, into out[0..7]. */
  sample(x: number, out: Float32Array): void {
    const c = this.field.cells;
    const fx = this.fx[x]!;
    const fy = this.fy;
    const a = this.top + this.left[x]!;
    const b = this.top + this.right[x]!;
    const d = this.bottom + this.left[x]!;
    const e = this.bottom + this.right[x]!;
    for (let k = 0; k < 8; k++) {
      const top = c[a + k]! + (c[b + k]! - c[a + k]!) * fx;
      const bottom = c[d + k]! + (c[e + k]! - c[d + k]!) * fx;
      out[k] = top + (bottom - top) * fy;
    }
  }
}
