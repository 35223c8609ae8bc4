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

/**
 * Scratch for boxMean's row sums, kept between calls for planes up to KEPT_SCRATCH values (the guided
 * filter's and the colour fields' grids); a larger plane gets its own, so a thread never holds more
 * than 4 MB of it.
 */
let rowScratch = new Float32Array(0);
const KEPT_SCRATCH = 1 << 20;

/**
 * Box means over (2r+1)² windows (clipped at the borders) in O(1) per pixel with running sums, on
 * flat typed-array planes: the building block of the guided filter and of feathering. No per-pixel
 * objects, so 24 MP planes stay within memory. With `times`, the means are of the product
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
  if (n <= KEPT_SCRATCH && rowScratch.length < n) rowScratch = new Float32Array(n);
  const rowSums = n <= KEPT_SCRATCH ? rowScratch : new Float32Array(n);
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

/**
 * In-place box blur of an 8-bit plane (one horizontal and one vertical running-sum pass). Works on
 * full-resolution masks with one row of extra memory per pass plus one plane of scratch.
 */
export function boxBlurU8(data: Uint8Array, width: number, height: number, r: number): void {
  if (r <= 0) return;
  const tmp = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let sum = 0;
    for (let x = 0; x <= Math.min(r, width - 1); x++) sum += data[row + x]!;
    for (let x = 0; x < width; x++) {
      const count = Math.min(x + r, width - 1) - Math.max(x - r, 0) + 1;
      tmp[row + x] = (sum + (count >> 1)) / count;
      const add = x + r + 1;
      const drop = x - r;
      if (add < width) sum += data[row + add]!;
      if (drop >= 0) sum -= data[row + drop]!;
    }
  }
  const colSums = new Uint32Array(width);
  for (let y = 0; y <= Math.min(r, height - 1); y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) colSums[x]! += tmp[row + x]!;
  }
  for (let y = 0; y < height; y++) {
    const count = Math.min(y + r, height - 1) - Math.max(y - r, 0) + 1;
    const half = count >> 1;
    const row = y * width;
    for (let x = 0; x < width; x++) data[row + x] = (colSums[x]! + half) / count;
    const add = y + r + 1;
    const drop = y - r;
    if (add < height) {
      const a = add * width;
      for (let x = 0; x < width; x++) colSums[x]! += tmp[a + x]!;
    }
    if (drop >= 0) {
      const d = drop * width;
      for (let x = 0; x < width; x++) colSums[x]! -= tmp[d + x]!;
    }
  }
}

/** Three box passes approximate a Gaussian of standard deviation `sigma` (used for feathering). */
export function gaussianLikeBlurU8(data: Uint8Array, width: number, height: number, sigma: number): void {
  if (sigma <= 0) return;
  const r = Math.max(1, Math.round((Math.sqrt(4 * sigma * sigma + 1) - 1) / 2));
  for (let pass = 0; pass < 3; pass++) boxBlurU8(data, width, height, r);
}
