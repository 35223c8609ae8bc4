/**
 * Box means over (2r+1)² windows (clipped at the borders) in O(1) per pixel with running sums, on
 * flat typed-array planes: the building block of the guided filter and of feathering. No per-pixel
 * objects, so 24 MP planes stay within memory.
 */
export function boxMean(
  src: Float32Array,
  width: number,
  height: number,
  r: number,
  out?: Float32Array,
): Float32Array {
  const result = out ?? new Float32Array(width * height);
  const rowSums = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let sum = 0;
    for (let x = 0; x <= Math.min(r, width - 1); x++) sum += src[row + x]!;
    for (let x = 0; x < width; x++) {
      rowSums[row + x] = sum;
      const add = x + r + 1;
      const drop = x - r;
      if (add < width) sum += src[row + add]!;
      if (drop >= 0) sum -= src[row + drop]!;
    }
  }
  const colCount = new Float32Array(width);
  for (let x = 0; x < width; x++) colCount[x] = Math.min(x + r, width - 1) - Math.max(x - r, 0) + 1;
  const colSums = new Float64Array(width);
  for (let y = 0; y <= Math.min(r, height - 1); y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) colSums[x]! += rowSums[row + x]!;
  }
  for (let y = 0; y < height; y++) {
    const rows = Math.min(y + r, height - 1) - Math.max(y - r, 0) + 1;
    const row = y * width;
    for (let x = 0; x < width; x++) result[row + x] = colSums[x]! / (rows * colCount[x]!);
    const add = y + r + 1;
    const drop = y - r;
    if (add < height) {
      const a = add * width;
      for (let x = 0; x < width; x++) colSums[x]! += rowSums[a + x]!;
    }
    if (drop >= 0) {
      const d = drop * width;
      for (let x = 0; x < width; x++) colSums[x]! -= rowSums[d + x]!;
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
