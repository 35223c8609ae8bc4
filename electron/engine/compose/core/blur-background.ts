/**
 * The original photo blurred behind the subject, as a normalized convolution weighted by "not
 * subject": the background around the subject is filled from its surroundings instead of smearing
 * the subject's colours outward. Where almost nothing but subject is within reach of the blur, the
 * colour comes from a very wide fill of the whole frame instead (a plain blur there would leave a
 * ghost of the subject). Same algorithm at full resolution (engine) and display size (preview).
 */
import { gaussianBoxes, gridVariance, SHARP_BLUR_SIGMA } from './gaussian';
import { scratchBuffer, slotFloats } from './scratch';
import type { Pixels, Plane8, Rgba8 } from './types';

/** Side of the small copy the distant fill is computed on. */
const FILL_SIDE = 96;
/** Weight of the distant fill against the local blur (the local blur wins wherever it sees background). */
const FALLBACK = 0.04;
/** Alpha 255 in a little-endian RGBA pixel read as one 32-bit word. */
const OPAQUE = 0xff << 24;

/**
 * How much a pixel counts as background, by its mask value: (1 − α)², so the edge band, whose
 * colour is still mostly the subject's, counts little and leaves no coloured ghost in the blur.
 */
const NOT_SUBJECT = Float32Array.from({ length: 256 }, (_, alpha) => ((255 - alpha) / 255) ** 2);

/** Interleaved (r·w, g·w, b·w, w) floats on a grid whose cells cover `cell`×`cell` output pixels. */
interface Grid {
  data: Float32Array;
  width: number;
  height: number;
  cellX: number;
  cellY: number;
}

/**
 * `photo` (already placed and sized like the output; its alpha, if any, is not read) blurred with
 * `radius` as the Gaussian's σ in output pixels, the subject (`mask`, same size) kept out of it.
 * Opaque RGBA result. Where `hidden` (a layer of the same size) is opaque, the result is left
 * undrawn: the caller covers those pixels whole (the engine's subject layer, drawn over it next).
 */
export function blurredPhoto(photo: Pixels, mask: Plane8, radius: number, hidden?: Rgba8): Rgba8 {
  const { width, height } = photo;
  const sigma = SHARP_BLUR_SIGMA * Math.max(0.3, radius);
  // A wide blur loses nothing on a smaller copy: the weighted colours are averaged over f×f blocks,
  // blurred there (still ~1.5 cells or more) and read back bilinearly, the blur on the grid making up
  // exactly what the blocks and the read-back do not (gaussian.ts). At 24 MP this also keeps the
  // working set at a few tens of MB instead of full-size float planes.
  let f = Math.max(1, Math.floor(sigma / 1.5));
  if (width < 2 * f || height < 2 * f) f = 1;
  const near = weightedBlocks(photo, mask, f);
  // The distant fill starts from the same weighted blocks (before their blur), never the full size.
  const far = distantFill(near, width, height);
  gaussianBoxes(near.data, near.width, near.height, 4, gridVariance(sigma, f));
  // The distant fill is very smooth: added into the near grid at its nodes, one bilinear read per
  // pixel then serves both (interpolation is linear, so this is the same sum, read once).
  addFill(near, far);
  const buffer = scratchBuffer(width * height * 4, false);
  const out = new Uint8ClampedArray(buffer);
  // One 32-bit store per pixel, RGBA in memory order on the little-endian machines we run on.
  const packed = new Uint32Array(buffer);
  const columns = taps(width, near.width, near.cellX);
  const row = new Float32Array(near.width * 4);
  const cover = hidden?.data;
  for (let y = 0; y < height; y++) {
    verticalLerp(near, y, row);
    // Along a row the two grid columns change only every few pixels: their values are read, and
    // their differences taken, once per pair (24 MP: 24 M pixels against a few thousand pairs).
    let pair = -1;
    let r0 = 0;
    let g0 = 0;
    let b0 = 0;
    let w0 = 0;
    let dr = 0;
    let dg = 0;
    let db = 0;
    let dw = 0;
    const rowStart = y * width;
    for (let x = 0, k = rowStart * 4; x < width; x++, k += 4) {
      if (cover !== undefined && cover[k + 3] === 255) continue;
      const a = columns.x0[x]!;
      if (a !== pair) {
        pair = a;
        const b = columns.x1[x]!;
        r0 = row[a]!;
        g0 = row[a + 1]!;
        b0 = row[a + 2]!;
        w0 = row[a + 3]!;
        dr = row[b]! - r0;
        dg = row[b + 1]! - g0;
        db = row[b + 2]! - b0;
        dw = row[b + 3]! - w0;
      }
      const t = columns.t[x]!;
      // w ≥ FALLBACK > 0 (the fill's weight is 1 everywhere), and each colour over w is an average
      // of 0..255 values: rounding is all that is left to do, and the pixel is written in one store.
      const inv = 1 / (w0 + dw * t);
      packed[x + rowStart] =
        (((r0 + dr * t) * inv + 0.5) |
          (((g0 + dg * t) * inv + 0.5) << 8) |
          (((b0 + db * t) * inv + 0.5) << 16) |
          OPAQUE) >>>
        0;
    }
  }
  return { data: out, width, height };
}

/** Block means over f×f pixels of (r·w, g·w, b·w, w), w the "not subject" weight (f = 1: per pixel). */
function weightedBlocks(photo: Pixels, mask: Plane8, f: number): Grid {
  const { width, height, channels: ch } = photo;
  // Grey photos read their one channel three times.
  const g1 = ch >= 3 ? 1 : 0;
  const b2 = ch >= 3 ? 2 : 0;
  const gw = Math.ceil(width / f);
  const gh = Math.ceil(height / f);
  // Reused between calls at display size (the preview blurs again on every radius change).
  const grid = slotFloats('blur grid', gw * gh * 4).fill(0);
  const p = photo.data;
  const m = mask.data;
  for (let y = 0; y < height; y++) {
    const row = Math.floor(y / f) * gw * 4;
    // A cell's f pixels of this row are summed in locals, then added to the grid once.
    for (let gx = 0, x = 0, i = y * width; gx < gw; gx++) {
      const end = Math.min(width, x + f);
      let r = 0;
      let g = 0;
      let b = 0;
      let w = 0;
      for (; x < end; x++, i++) {
        const wi = NOT_SUBJECT[m[i]!]!;
        const s = i * ch;
        r += p[s]! * wi;
        g += p[s + g1]! * wi;
        b += p[s + b2]! * wi;
        w += wi;
      }
      const o = row + gx * 4;
      grid[o]! += r;
      grid[o + 1]! += g;
      grid[o + 2]! += b;
      grid[o + 3]! += w;
    }
  }
  if (f > 1) {
    // Edge cells may be cut short by the image's border: divide by the pixels they really hold.
    for (let gy = 0; gy < gh; gy++) {
      const rows = Math.min(f, height - gy * f);
      for (let gx = 0; gx < gw; gx++) {
        const area = rows * Math.min(f, width - gx * f);
        const o = (gy * gw + gx) * 4;
        for (let k = 0; k < 4; k++) grid[o + k]! /= area;
      }
    }
  }
  return { data: grid, width: gw, height: gh, cellX: f, cellY: f };
}

/**
 * What the background probably looks like behind a large subject: a normalized convolution a quarter
 * of the frame wide on a ~96 px copy of the weighted blocks, falling back to the mean background
 * colour where even that sees only subject. Returned as a grid of plain colours (weight 1).
 */
function distantFill(blocks: Grid, width: number, height: number): Grid {
  const k = Math.min(1, FILL_SIDE / Math.max(width, height));
  const sw = Math.max(1, Math.round(width * k));
  const sh = Math.max(1, Math.round(height * k));
  const small = new Float32Array(sw * sh * 4);
  const count = new Float32Array(sw * sh);
  const cellOf = new Int32Array(blocks.width);
  for (let x = 0; x < blocks.width; x++)
    cellOf[x] = Math.min(sw - 1, Math.floor(((x + 0.5) * blocks.cellX * sw) / width));
  for (let y = 0; y < blocks.height; y++) {
    const sy = Math.min(sh - 1, Math.floor(((y + 0.5) * blocks.cellY * sh) / height));
    for (let x = 0; x < blocks.width; x++) {
      const c = sy * sw + cellOf[x]!;
      const o = (y * blocks.width + x) * 4;
      for (let j = 0; j < 4; j++) small[c * 4 + j]! += blocks.data[o + j]!;
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
  const fillSigma = SHARP_BLUR_SIGMA * Math.max(0.3, 0.25 * Math.max(sw, sh));
  gaussianBoxes(small, sw, sh, 4, fillSigma * fillSigma);
  const fill = new Float32Array(sw * sh * 4);
  for (let c = 0; c < sw * sh; c++) {
    const wt = small[c * 4 + 3]!;
    for (let j = 0; j < 3; j++)
      fill[c * 4 + j] = Math.min(255, (small[c * 4 + j]! + mean[j]! * 0.01) / (wt + 0.01));
    fill[c * 4 + 3] = 1;
  }
  return { data: fill, width: sw, height: sh, cellX: width / sw, cellY: height / sh };
}

/** near += FALLBACK · fill (colour and weight), the fill read bilinearly at each near node's centre. */
function addFill(near: Grid, far: Grid): void {
  const cellX = far.cellX / near.cellX;
  const cellY = far.cellY / near.cellY;
  const columns = taps(near.width, far.width, cellX);
  const row = new Float32Array(far.width * 4);
  for (let y = 0; y < near.height; y++) {
    verticalLerp({ ...far, cellY }, y, row);
    const o = y * near.width * 4;
    for (let x = 0, k = o; x < near.width; x++, k += 4) {
      const a = columns.x0[x]!;
      const b = columns.x1[x]!;
      const t = columns.t[x]!;
      for (let c = 0; c < 4; c++)
        near.data[k + c]! += (row[a + c]! + (row[b + c]! - row[a + c]!) * t) * FALLBACK;
    }
  }
}

/** Per output column: the two grid columns (×4, as offsets into a row) and the weight of the second. */
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

/** The grid's two rows around output row `y`, blended: one grid row for the horizontal read. */
function verticalLerp(g: Grid, y: number, out: Float32Array): void {
  const gy = Math.min(g.height - 1, Math.max(0, (y + 0.5) / g.cellY - 0.5));
  const y0 = Math.floor(gy);
  const ty = gy - y0;
  const r0 = y0 * g.width * 4;
  const r1 = Math.min(g.height - 1, y0 + 1) * g.width * 4;
  const d = g.data;
  for (let k = 0; k < out.length; k++) out[k] = d[r0 + k]! + (d[r1 + k]! - d[r0 + k]!) * ty;
}
