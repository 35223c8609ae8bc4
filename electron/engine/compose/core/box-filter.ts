import { slotFloats } from './scratch';

/**
 * The running window sums of one row (`width` values of `src` from `from`) into `sums` from `to`.
 * The sum gains src[x + r + 1] while that is inside the row and loses src[x − r] once that is; the
 * row is walked in stretches so the loop bodies have no tests, in the same order of operations.
 */
function rowRunningSums(
  src: Float32Array,
  from: number,
  sums: Float32Array,
  to: number,
  width: number,
  r: number,
): void {
  const addEnd = Math.min(width, Math.max(0, width - r - 1));
  const dropStart = Math.min(width, r);
  let sum = 0;
  const last = Math.min(r, width - 1);
  for (let x = 0; x <= last; x++) sum += src[from + x]!;
  let x = 0;
  const firstEnd = Math.min(addEnd, dropStart);
  for (; x < firstEnd; x++) {
    sums[to + x] = sum;
    sum += src[from + x + r + 1]!;
  }
  if (addEnd > dropStart) {
    for (; x < addEnd; x++) {
      sums[to + x] = sum;
      sum += src[from + x + r + 1]!;
      sum -= src[from + x - r]!;
    }
  } else {
    // A window wider than the row: neither end moves for a while.
    for (; x < dropStart; x++) sums[to + x] = sum;
  }
  for (; x < width; x++) {
    sums[to + x] = sum;
    sum -= src[from + x - r]!;
  }
}

/** boxMean's row sums are kept up to this many values (the guided filter's and colour fields' grids). */
const KEPT_ROW_SUMS = 1 << 20;

/**
 * Box means over (2r+1)² windows (clipped at the borders) in O(1) per pixel with running sums, on
 * flat typed-array planes: the building block of the guided filter, local colours and detail gain.
 * No per-pixel objects, so 24 MP planes stay within memory. With `times`, the means are of the product
 * src × times (each product rounded to a float as a product plane would hold it), without making
 * that plane.
 */
export function boxMean(
  src: Float32Array,
  width: number,
  height: number,
  r: number,
  out?: Float32Array,
  times?: Float32Array,
): Float32Array {
  const n = width * height;
  const result = out ?? new Float32Array(n);
  const rowSums = slotFloats('box rows', n, KEPT_ROW_SUMS);
  if (times) {
    // The product plane, one row at a time (a row of scratch instead of a whole plane).
    const product = new Float32Array(width);
    for (let y = 0; y < height; y++) {
      const row = y * width;
      for (let x = 0; x < width; x++) product[x] = src[row + x]! * times[row + x]!;
      rowRunningSums(product, 0, rowSums, row, width, r);
    }
  } else {
    for (let y = 0; y < height; y++) rowRunningSums(src, y * width, rowSums, y * width, width, r);
  }
  const colCount = new Float32Array(width);
  for (let x = 0; x < width; x++) colCount[x] = Math.min(x + r, width - 1) - Math.max(x - r, 0) + 1;
  const colSums = new Float64Array(width);
  for (let y = 0; y <= Math.min(r, height - 1); y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) colSums[x]! += rowSums[row + x]!;
  }
  // One sweep per row: the row's means, then the window moves down (gains a row, loses one).
  for (let y = 0; y < height; y++) {
    const rows = Math.min(y + r, height - 1) - Math.max(y - r, 0) + 1;
    const row = y * width;
    const a = (y + r + 1) * width;
    const d = (y - r) * width;
    const adds = y + r + 1 < height;
    const drops = y - r >= 0;
    if (adds && drops) {
      for (let x = 0; x < width; x++) {
        let c = colSums[x]!;
        result[row + x] = c / (rows * colCount[x]!);
        c += rowSums[a + x]!;
        c -= rowSums[d + x]!;
        colSums[x] = c;
      }
    } else if (adds) {
      for (let x = 0; x < width; x++) {
        const c = colSums[x]!;
        result[row + x] = c / (rows * colCount[x]!);
        colSums[x] = c + rowSums[a + x]!;
      }
    } else if (drops) {
      for (let x = 0; x < width; x++) {
        const c = colSums[x]!;
        result[row + x] = c / (rows * colCount[x]!);
        colSums[x] = c - rowSums[d + x]!;
      }
    } else {
      for (let x = 0; x < width; x++) result[row + x] = colSums[x]! / (rows * colCount[x]!);
    }
  }
  return result;
}
