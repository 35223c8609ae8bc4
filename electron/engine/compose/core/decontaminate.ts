import { ColourSampler, localColours } from './local-colours';
import { recycle, scratchBuffer } from './scratch';
import type { Pixels, Plane8 } from './types';

/** Largest side of the grid on which the smooth foreground/background colour fields are estimated. */
const FIELD_SIDE = 256;
/** Radius of the narrow colour window, in grid cells (≈1.5 % of the long side). */
const FIELD_RADIUS = 4;
/**
 * Subject and background colours closer than this (8-bit RGB distance) say nothing about how much
 * of a pixel is which; from twice this the colour's own alpha is fully trusted.
 */
const MIN_SEPARATION = 40;

/**
 * Writes foreground colours without the old background's tint into `rgba` (RGBA, alpha = mask).
 * A pixel is C = αF + (1−α)B. B and a fallback F are the mean colours of the confidently-background
 * and confidently-subject pixels nearby (box means on a coarse grid, sampled bilinearly: smooth, so
 * no blocks). F is solved from the compositing equation where α is large enough to be stable, and
 * leans on the fallback where α is small (thin hair, soft edges).
 *
 * The mask's α is not enough on its own: u2netp at 320 px lays its edge a pixel or two outside the
 * subject, so pixels that are mostly old background carry α near 1 and keep their colour — the red
 * outline around a black cat on red (Bombay_182), the background showing between leaves and petals.
 * Where the local subject and background colours are well apart, the pixel's own colour says how
 * much of it is subject (its position on the B→F line); that colour alpha, where lower than the
 * mask's and the pixel does lie on the line, is used to solve F. The opaque pixels within a few
 * pixels of the edge are included. Alpha itself is not changed: the mask stays the model's.
 */
export function decontaminateInto(rgba: Uint8Array, image: Pixels, mask: Plane8): void {
  const { width, height, channels: ch, data } = image;
  const cell = Math.max(1, Math.ceil(Math.max(width, height) / FIELD_SIDE));
  const reach = Math.max(2, Math.round(Math.max(width, height) / 400));
  const interior = opaqueInterior(mask.data, width, height, reach);
  // The subject's colour is learnt from opaque pixels away from the edge only: the ones at the edge
  // carry the old background's tint (on a thin tail, most of the opaque pixels do).
  const field = localColours(image, mask.data, interior, cell, FIELD_RADIUS);
  const sampler = new ColourSampler(field, width);
  const v = new Float32Array(8);
  const rgb = new Float32Array(3);
  for (let y = 0; y < height; y++) {
    sampler.row(y);
    for (let i = y * width, x = 0; x < width; x++, i++) {
      const a8 = mask.data[i]!;
      if (a8 === 0 || (a8 === 255 && interior[i] === 1)) continue;
      sampler.sample(x, v);
      decontaminatePixel(rgba, i * 4, data, i * ch, ch, a8, v, rgb);
    }
  }
  recycle(interior);
}

/**
 * One pixel's colour (photo at `s`, mask alpha `a8`, the field sampled there in `v`) into `rgba` at
 * `d`; `rgb` is scratch. An opaque pixel whose colour says it is all subject is left as it is.
 */
function decontaminatePixel(
  rgba: Uint8Array,
  d: number,
  data: Pixels['data'],
  s: number,
  ch: number,
  a8: number,
  v: Float32Array,
  rgb: Float32Array,
): void {
  const alpha = colourAlpha(a8 / 255, data, s, ch, v);
  if (a8 === 255 && alpha >= 0.999) return;
  const fgTrust = v[3]!;
  // Trust the solved colour from α ≈ 0.15 up, fully from α ≈ 0.75, as far as B is known.
  let t = (alpha - 0.15) / 0.6;
  t = (t < 0 ? 0 : t > 1 ? 1 : t) * v[7]!;
  for (let k = 0; k < 3; k++) {
    const own = data[s + (ch >= 3 ? k : 0)]!;
    // Where no subject pixel is near, the pixel's own colour is the best fallback.
    let value = own + (v[k]! - own) * fgTrust;
    if (t > 0) {
      let solved = (own - (1 - alpha) * v[4 + k]!) / alpha;
      solved = solved < 0 ? 0 : solved > 255 ? 255 : solved;
      value += (solved - value) * t;
    }
    rgb[k] = value;
  }
  // The hue of the edge from the subject nearby, its lightness from the solved colour: JPEG keeps
  // colour at half resolution, so the old background's hue bleeds a pixel or two further into
  // the subject than its lightness does, and no per-pixel solve can take it out.
  const lift = (luma(rgb[0]!, rgb[1]!, rgb[2]!) - luma(v[0]!, v[1]!, v[2]!)) * fgTrust;
  for (let k = 0; k < 3; k++) {
    const hued = rgb[k]! + (v[k]! + lift - rgb[k]!) * fgTrust;
    rgba[d + k] = hued < 0 ? 0 : hued > 255 ? 255 : hued + 0.5;
  }
}

/**
 * The alpha used to solve the pixel's colour: the mask's, lowered toward the colour's own alpha
 * (C's position between the local background B and subject F) where F and B are well apart, both
 * known, and C lies near the B–F line (a colour off the line is the subject's own, not a mix).
 */
function colourAlpha(alpha: number, data: Pixels['data'], s: number, ch: number, v: Float32Array): number {
  const trust = Math.min(v[3]!, v[7]!);
  if (trust <= 0 || ch < 3) return alpha;
  const dr = v[0]! - v[4]!;
  const dg = v[1]! - v[5]!;
  const db = v[2]! - v[6]!;
  const sep2 = dr * dr + dg * dg + db * db;
  if (sep2 <= MIN_SEPARATION * MIN_SEPARATION) return alpha;
  const cr = data[s]! - v[4]!;
  const cg = data[s + 1]! - v[5]!;
  const cb = data[s + 2]! - v[6]!;
  let own = (cr * dr + cg * dg + cb * db) / sep2;
  own = own < 0 ? 0 : own > 1 ? 1 : own;
  if (own >= alpha) return alpha;
  const er = cr - own * dr;
  const eg = cg - own * dg;
  const eb = cb - own * db;
  const sep = Math.sqrt(sep2);
  const offLine = Math.sqrt(er * er + eg * eg + eb * eb) / sep;
  const fit = offLine >= 0.5 ? 0 : 1 - offLine / 0.5;
  const apart = Math.min(1, (sep - MIN_SEPARATION) / MIN_SEPARATION);
  const w = trust * fit * apart;
  return Math.max(1 / 255, alpha - w * (alpha - own));
}

/**
 * Marks (1) the opaque pixels whose whole (2·reach + 1)² square (within the frame) is opaque: the ones
 * farther than `reach` from any pixel that is not (chessboard distance). Square erosion is separable:
 * the opaque runs of each row less `reach` at each end that meets a non-opaque pixel, then the same
 * down each column, counted a row at a time. Only the opaque pixels' bounding box has any.
 */
function opaqueInterior(alpha: Uint8Array, width: number, height: number, reach: number): Uint8Array {
  const interior = new Uint8Array(scratchBuffer(width * height, true));
  // (The distance map this replaces was kept in bytes, capped at 255: from that reach on, no pixel
  // counted as farther.)
  if (reach >= 255) return interior;
  let bx0 = width;
  let bx1 = -1;
  let by0 = -1;
  let by1 = -1;
  for (let y = 0; y < height; y++) {
    const rowStart = y * width;
    const row = alpha.subarray(rowStart, rowStart + width);
    for (let start = row.indexOf(255); start >= 0;) {
      let end = start + 1;
      while (end < width && row[end] === 255) end++;
      // A run that reaches the frame's edge is not cut there: nothing outside it is non-opaque.
      const from = start === 0 ? 0 : start + reach;
      const to = end === width ? width : end - reach;
      if (to > from) interior.fill(1, rowStart + from, rowStart + to);
      if (by0 < 0) by0 = y;
      by1 = y;
      bx0 = Math.min(bx0, start);
      bx1 = Math.max(bx1, end - 1);
      start = end < width ? row.indexOf(255, end) : -1;
    }
  }
  if (by0 < 0) return interior;
  // Per column, how many rows down to the current one are marked; rows above the frame count as
  // marked (nothing there is non-opaque), rows above the box as not (they have no opaque pixel).
  const marked = new Int32Array(width).fill(by0 === 0 ? reach : 0);
  const whole = 2 * reach + 1;
  // Down to `reach` rows past the box, so that every row of it is final; rows below the box and
  // inside the frame have no marks.
  for (let y = by0; y <= by1 + reach; y++) {
    const rowStart = y * width;
    // Rows below the frame count as marked.
    if (y < height) for (let x = bx0; x <= bx1; x++) marked[x] = interior[rowStart + x] ? marked[x]! + 1 : 0;
    else for (let x = bx0; x <= bx1; x++) marked[x]!++;
    // The row `reach` above is final now: its column windows are complete. (Its marks were read
    // when it was the current row, so it can be overwritten.)
    const done = y - reach;
    if (done < by0) continue;
    const doneStart = done * width;
    for (let x = bx0; x <= bx1; x++) interior[doneStart + x] = marked[x]! >= whole ? 1 : 0;
  }
  return interior;
}

function luma(r: number, g: number, b: number): number {
  return 0.299 * r + 0.587 * g + 0.114 * b;
}
