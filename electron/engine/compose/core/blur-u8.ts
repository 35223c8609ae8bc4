/**
 * Gaussian blur of an 8-bit plane (feathering a mask): three box passes, each mean rounded to 8 bits,
 * clipped at the borders (a window cut by the border averages what it holds). The passes are
 * "extended boxes" (gaussian.ts) so the blur has the width asked for at any σ, in the editor's
 * preview at display size as in the saved picture. The vertical half only ever needs the 2r + 3
 * horizontally blurred rows around the row it writes, so those are kept in a small ring instead of
 * a whole plane (fresh memory is slow to touch, and the ring stays in cache).
 */
import { extendedBox } from './gaussian';

/** Gaussian blur of standard deviation `sigma` (pixels) of an 8-bit plane, in place. */
export function gaussianBlurU8(data: Uint8Array, width: number, height: number, sigma: number): void {
  if (sigma <= 0 || width === 0 || height === 0) return;
  const { r, alpha } = extendedBox((sigma * sigma) / 3);
  for (let pass = 0; pass < 3; pass++) extendedBoxBlurU8(data, width, height, r, alpha);
}

/**
 * One extended box pass of an 8-bit plane, in place: weight 1 on x − r … x + r and `alpha` on
 * x ± (r + 1), horizontally then vertically, the weights of taps past a border left out. A row is
 * blurred into the ring just before the window reaches it, so the rows it reads are not yet
 * overwritten.
 */
function extendedBoxBlurU8(data: Uint8Array, width: number, height: number, r: number, alpha: number): void {
  const ringRows = Math.min(height, 2 * r + 3);
  const ring = new Uint8Array(ringRows * width);
  const slot = (y: number) => (y % ringRows) * width;
  const colSums = new Uint32Array(width);
  const norm = 1 / (2 * r + 1 + 2 * alpha);
  // The window's core rows 0..r, and row r + 1 for the first end tap.
  for (let y = 0; y <= Math.min(r + 1, height - 1); y++) {
    extendedRowU8(data, y * width, ring, slot(y), width, r, alpha);
    if (y <= r) for (let x = 0, to = slot(y); x < width; x++) colSums[x]! += ring[to + x]!;
  }
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const before = y - r - 1;
    const next = y + r + 1;
    if (before >= 0 && next < height) {
      // The whole window is inside: write the row and slide the core down in one go.
      const b = slot(before);
      const n = slot(next);
      const d = slot(y - r);
      for (let x = 0; x < width; x++) {
        const c = colSums[x]!;
        const enter = ring[n + x]!;
        data[row + x] = (c + alpha * (ring[b + x]! + enter)) * norm + 0.5;
        colSums[x] = c + enter - ring[d + x]!;
      }
    } else {
      // Near the top or bottom: the core is cut, and one end tap or both are past the border.
      const b = before >= 0 ? slot(before) : -1;
      const n = next < height ? slot(next) : -1;
      const core = Math.min(y + r, height - 1) - Math.max(y - r, 0) + 1;
      const weight = core + alpha * ((b >= 0 ? 1 : 0) + (n >= 0 ? 1 : 0));
      for (let x = 0; x < width; x++) {
        const ends = (b >= 0 ? ring[b + x]! : 0) + (n >= 0 ? ring[n + x]! : 0);
        data[row + x] = (colSums[x]! + alpha * ends) / weight + 0.5;
      }
      // Slide the core down a row: row y + r + 1 comes in, row y − r goes.
      if (n >= 0) for (let x = 0; x < width; x++) colSums[x]! += ring[n + x]!;
      if (y - r >= 0) for (let x = 0, d = slot(y - r); x < width; x++) colSums[x]! -= ring[d + x]!;
    }
    // Row y + r + 2, blurred ahead for the next row's end tap (from data rows not yet written).
    if (next + 1 < height) extendedRowU8(data, (next + 1) * width, ring, slot(next + 1), width, r, alpha);
  }
}

/** One row's horizontal extended box means (clipped at the ends) from `src` at `from` into `dst` at `to`. */
function extendedRowU8(
  src: Uint8Array,
  from: number,
  dst: Uint8Array,
  to: number,
  width: number,
  r: number,
  alpha: number,
): void {
  const norm = 1 / (2 * r + 1 + 2 * alpha);
  let sum = 0;
  for (let x = 0; x <= Math.min(r, width - 1); x++) sum += src[from + x]!;
  // Pixels whose window (end taps included) is whole run without tests; those near an end weigh
  // only what they hold (a row narrower than the window has no such pixels).
  let x = 0;
  for (; x < Math.min(r + 1, width); x++) sum = clippedStep(src, from, dst, to, width, r, alpha, x, sum);
  for (const inner = width - r - 1; x < inner; x++) {
    const enter = src[from + x + r + 1]!;
    dst[to + x] = (sum + alpha * (src[from + x - r - 1]! + enter)) * norm + 0.5;
    sum += enter - src[from + x - r]!;
  }
  for (; x < width; x++) sum = clippedStep(src, from, dst, to, width, r, alpha, x, sum);
}

/** extendedRowU8 at `x` near an end of the row: the mean of the taps inside; returns the next sum. */
function clippedStep(
  src: Uint8Array,
  from: number,
  dst: Uint8Array,
  to: number,
  width: number,
  r: number,
  alpha: number,
  x: number,
  sum: number,
): number {
  const before = x - r - 1;
  const next = x + r + 1;
  const core = Math.min(x + r, width - 1) - Math.max(x - r, 0) + 1;
  const ends = (before >= 0 ? src[from + before]! : 0) + (next < width ? src[from + next]! : 0);
  const weight = core + alpha * ((before >= 0 ? 1 : 0) + (next < width ? 1 : 0));
  dst[to + x] = (sum + alpha * ends) / weight + 0.5;
  return sum + (next < width ? src[from + next]! : 0) - (x - r >= 0 ? src[from + x - r]! : 0);
}
