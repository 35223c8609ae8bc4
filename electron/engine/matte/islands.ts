import type { Mask } from '../imaging/raw';

/**
 * Removes blobs (8-connected areas at ≥ 50% alpha) smaller than `fraction` of the largest blob, with
 * the soft fringe around them. Runs on the model's low-resolution mask, before upscaling, so the cost
 * does not grow with the photo. Returns a new mask; the input is not changed.
 */
export function removeSmallIslands(mask: Mask, fraction: number): Mask {
  const { width, height } = mask;
  const n = width * height;
  const labels = new Int32Array(n); // 0 = background, k = blob k
  const areas: number[] = [0];
  const stack = new Int32Array(n);
  for (let start = 0; start < n; start++) {
    if (labels[start] !== 0 || mask.data[start]! < 128) continue;
    const label = areas.length;
    let area = 0;
    let top = 0;
    stack[top++] = start;
    labels[start] = label;
    while (top > 0) {
      const i = stack[--top]!;
      area++;
      const x = i % width;
      const y = (i - x) / width;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const j = ny * width + nx;
          if (labels[j] === 0 && mask.data[j]! >= 128) {
            labels[j] = label;
            stack[top++] = j;
          }
        }
      }
    }
    areas.push(area);
  }
  const largest = areas.reduce((m, a) => Math.max(m, a), 0);
  const removed = areas.map((a, label) => label > 0 && a < largest * fraction);
  if (!removed.some(Boolean)) return mask;

  const out = new Uint8Array(mask.data);
  const fringe = 2; // the soft pixels below 50% around a removed blob belong to it
  for (let i = 0; i < n; i++) {
    if (!removed[labels[i]!]) continue;
    out[i] = 0;
    const x = i % width;
    const y = (i - x) / width;
    for (let ny = Math.max(0, y - fringe); ny <= Math.min(height - 1, y + fringe); ny++) {
      for (let nx = Math.max(0, x - fringe); nx <= Math.min(width - 1, x + fringe); nx++) {
        const j = ny * width + nx;
        if (labels[j] === 0) out[j] = 0;
      }
    }
  }
  return { data: out, width, height };
}
