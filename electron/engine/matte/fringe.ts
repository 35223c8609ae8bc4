import type { RawImage } from '../imaging/raw';
import { boxMean } from '../compose/core/box-filter';

/**
 * A fringe measure for cut-outs (benchmarks only): how far the edge of a cut-out composited on a new
 * backdrop strays from a clean mix of the subject's own colour and that backdrop.
 *
 * Band: the semi-transparent pixels and the opaque ones within `band` pixels of the subject's edge
 * (a red outline around a black cat is often opaque). For each band pixel, the composite over the
 * backdrop K is C = αF + (1 − α)K; a clean edge lies on the segment from the local subject colour S
 * (the mean of the opaque pixels deeper inside, within `window` pixels) to K. The score is the mean
 * distance of C from that segment, in 8-bit RGB units: the old background's tint shows up as colour
 * off the segment, on a white backdrop and on a black one alike.
 */
export interface FringeScore {
  /** Mean distance over the band, on white and on black (0..441). */
  white: number;
  black: number;
  /** Band pixels scored (those with a subject colour near enough). */
  pixels: number;
}

export function fringeScore(rgba: RawImage, opts: { band?: number; window?: number } = {}): FringeScore {
  const { width, height, data } = rgba;
  const n = width * height;
  const long = Math.max(width, height);
  const band = opts.band ?? Math.max(2, Math.round(long / 250));
  const window = opts.window ?? Math.max(4, Math.round(long / 60));
  // Near the edge: some pixel within `band` is below 50 % alpha.
  const outside = new Float32Array(n);
  for (let i = 0; i < n; i++) outside[i] = data[i * 4 + 3]! < 128 ? 1 : 0;
  const nearOut = boxMean(outside, width, height, band);
  // Deep interior: opaque, and no pixel below 50 % within 2·band (so the fringe itself is not counted
  // as the subject's colour).
  const deepOut = boxMean(outside, width, height, 2 * band);
  const w = new Float32Array(n);
  const planes = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  for (let i = 0; i < n; i++) {
    if (data[i * 4 + 3]! < 250 || deepOut[i]! > 0) continue;
    w[i] = 1;
    for (let c = 0; c < 3; c++) planes[c]![i] = data[i * 4 + c]!;
  }
  const wMean = boxMean(w, width, height, window);
  const means = planes.map((p) => boxMean(p, width, height, window));
  const sums = { white: 0, black: 0 };
  let pixels = 0;
  for (let i = 0; i < n; i++) {
    const a8 = data[i * 4 + 3]!;
    if (a8 === 0) continue;
    if (a8 >= 250 && nearOut[i]! === 0) continue;
    const weight = wMean[i]!;
    if (weight <= 0) continue;
    const alpha = a8 / 255;
    const s = [0, 1, 2].map((c) => means[c]![i]! / weight);
    const f = [0, 1, 2].map((c) => data[i * 4 + c]!);
    sums.white += segmentDistance(f, s, alpha, 255);
    sums.black += segmentDistance(f, s, alpha, 0);
    pixels++;
  }
  return {
    white: pixels ? sums.white / pixels : 0,
    black: pixels ? sums.black / pixels : 0,
    pixels,
  };
}

/** Distance of the composite αF + (1−α)K from the segment S–K (K grey, `k` per channel). */
function segmentDistance(f: number[], s: number[], alpha: number, k: number): number {
  const c = f.map((v) => alpha * v + (1 - alpha) * k);
  const d = s.map((v) => v - k);
  const len2 = d[0]! * d[0]! + d[1]! * d[1]! + d[2]! * d[2]!;
  let t = len2 > 0 ? ((c[0]! - k) * d[0]! + (c[1]! - k) * d[1]! + (c[2]! - k) * d[2]!) / len2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  let sum = 0;
  for (let ch = 0; ch < 3; ch++) {
    const e = c[ch]! - (k + t * d[ch]!);
    sum += e * e;
  }
  return Math.sqrt(sum);
}
