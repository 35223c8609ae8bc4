import { boxMean } from '../compose/core/box-filter';

/**
 * Measures for the edge stage (benchmarks and the teacher test; not used by the cut-out itself).
 * A reference alpha's edge band: pixels within `radius` of where it crosses 50 % or where it is
 * semi-transparent. Default radius 1 % of the long side: wider than the raw model's blur at 320 px
 * so the whole disagreement is counted, narrow enough that solid areas do not dilute it.
 */
export function teacherBand(alpha: Uint8Array, width: number, height: number, radius?: number): Uint8Array {
  const r = radius ?? Math.max(3, Math.round(Math.max(width, height) / 100));
  const edge = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0, i = y * width; x < width; x++, i++) {
      const a = alpha[i]!;
      const inside = a >= 128;
      const soft = a > 5 && a < 250;
      const right = x + 1 < width && alpha[i + 1]! >= 128 !== inside;
      const down = y + 1 < height && alpha[i + width]! >= 128 !== inside;
      if (soft || right || down) edge[i] = 1;
    }
  }
  const near = boxMean(edge, width, height, r);
  const band = new Uint8Array(width * height);
  for (let i = 0; i < band.length; i++) band[i] = near[i]! > 0 ? 1 : 0;
  return band;
}

/** Mean absolute alpha difference on [0,1] and IoU at 50 %, both inside `band` only. */
export function bandAgreement(
  pred: Uint8Array,
  reference: Uint8Array,
  band: Uint8Array,
): { mae: number; iou: number; pixels: number } {
  let err = 0;
  let n = 0;
  let inter = 0;
  let union = 0;
  for (let i = 0; i < band.length; i++) {
    if (!band[i]) continue;
    const p = pred[i]!;
    const r = reference[i]!;
    err += Math.abs(p - r);
    n++;
    const a = p >= 128;
    const b = r >= 128;
    if (a && b) inter++;
    if (a || b) union++;
  }
  return { mae: n ? err / 255 / n : 0, iou: union ? inter / union : 1, pixels: n };
}
