import { resizeRaw } from '../imaging/encode';
import type { Mask, RawImage } from '../imaging/raw';
import { boxMean } from '../compose/core/box-filter';
import { resizeMask } from './upscale';

/**
 * Largest side of the grid the filter's coefficients are computed on (the fast guided filter). The
 * model sees 320 px; 512 halves the CPU time of 640 (157 → 85 ms at 0.4 MP) for a teacher edge-band
 * MAE of 0.1505 instead of 0.1498 (bench/edge-quality.ts); 1024 cost twice 640's time for no gain.
 */
export const REFINE_WORK_SIDE = 512;
/** Regularisation: a colour step must explain more than ~3% of the range before the edge follows it. */
const EPS = 1e-3;
/**
 * Window radius as a fraction of the working side (≈2 px at 640). Wider windows let a thin structure
 * (stems, hair) be explained away by its surroundings: on rembg's plants photo a 10 px window lost
 * 5 % IoU against the model's own mask, a 3 px one keeps the edges crisp and the thin parts.
 */
const RADIUS_DIVISOR = 300;

/**
 * Edge-aware upscaling of a low-resolution mask: a colour guided filter (He et al.) whose linear
 * coefficients are computed on a downscaled guide and applied to the full-resolution pixels (He & Sun's
 * fast guided filter). The mask edge then follows the photo's colour edges instead of the blurry
 * model output. Coefficients are used only in the band where the mask changes; elsewhere the mask is
 * pure 0 or 255, so no texture leaks into solid areas.
 */
export async function refineMaskEdges(image: RawImage, low: Mask): Promise<Mask> {
  const { width, height } = image;
  const scale = Math.min(1, REFINE_WORK_SIDE / Math.max(width, height));
  const ww = Math.max(1, Math.round(width * scale));
  const wh = Math.max(1, Math.round(height * scale));
  const [guide, coarse] = await Promise.all([resizeRaw(image, ww, wh, 'linear'), resizeMask(low, ww, wh)]);
  const radius = Math.max(2, Math.round(Math.max(ww, wh) / RADIUS_DIVISOR));
  const coeffs = guidedCoefficients(guide, coarse, radius, EPS);
  return applyCoefficients(image, coeffs, ww, wh);
}

/**
 * The colour guided filter on a region (the edge-aware brush's box): `p` smoothed so its edges follow
 * the guide's colour edges; solid areas of `p` stay solid. With `factor` > 1 the coefficients are
 * computed on a grid `factor` times coarser and applied to the full-resolution pixels (the fast guided
 * filter, as refineMaskEdges does), so a long stroke on a 24 MP photo costs a fraction of its area.
 */
export function guidedFilter(guide: RawImage, p: Mask, radius: number, eps = EPS, factor = 1): Mask {
  if (factor <= 1) {
    return applyCoefficients(guide, guidedCoefficients(guide, p, radius, eps), guide.width, guide.height);
  }
  const small = boxDownsample(guide, p, factor);
  const coeffs = guidedCoefficients(small.guide, small.p, Math.max(1, Math.round(radius / factor)), eps);
  return applyCoefficients(guide, coeffs, small.guide.width, small.guide.height);
}

/** Averages of factor×factor blocks of the guide (first three channels) and of `p`. */
function boxDownsample(guide: RawImage, p: Mask, factor: number): { guide: RawImage; p: Mask } {
  const { width, height, channels: ch, data } = guide;
  const w = Math.ceil(width / factor);
  const h = Math.ceil(height / factor);
  const g = Buffer.alloc(w * h * 3);
  const q = new Uint8Array(w * h);
  for (let by = 0; by < h; by++) {
    for (let bx = 0; bx < w; bx++) {
      let r = 0;
      let gr = 0;
      let b = 0;
      let m = 0;
      let n = 0;
      for (let y = by * factor; y < Math.min(height, (by + 1) * factor); y++) {
        for (let x = bx * factor; x < Math.min(width, (bx + 1) * factor); x++) {
          const s = (y * width + x) * ch;
          r += data[s]!;
          gr += data[s + 1]!;
          b += data[s + 2]!;
          m += p.data[y * width + x]!;
          n++;
        }
      }
      const o = by * w + bx;
      g[o * 3] = r / n;
      g[o * 3 + 1] = gr / n;
      g[o * 3 + 2] = b / n;
      q[o] = m / n;
    }
  }
  return { guide: { data: g, width: w, height: h, channels: 3 }, p: { data: q, width: w, height: h } };
}

interface Coefficients {
  ar: Float32Array;
  ag: Float32Array;
  ab: Float32Array;
  b: Float32Array;
  /** Per cell: 1 or 2 where the cell and its right/lower neighbours are pinned to 0 or 1; else 0. */
  flat: Uint8Array;
}

function guidedCoefficients(guide: RawImage, coarse: Mask, r: number, eps: number): Coefficients {
  const { width: w, height: h, channels: ch, data } = guide;
  const n = w * h;
  const I = [new Float32Array(n), new Float32Array(n), new Float32Array(n)] as const;
  const p = new Float32Array(n);
  for (let i = 0, s = 0; i < n; i++, s += ch) {
    I[0][i] = data[s]! / 255;
    I[1][i] = data[s + 1]! / 255;
    I[2][i] = data[s + 2]! / 255;
    p[i] = coarse.data[i]! / 255;
  }
  const mean = (src: Float32Array) => boxMean(src, w, h, r);
  const product = (x: Float32Array, y: Float32Array) => boxMean(x, w, h, r, undefined, y);
  const mr = mean(I[0]);
  const mg = mean(I[1]);
  const mb = mean(I[2]);
  const mp = mean(p);
  const rp = product(I[0], p);
  const gp = product(I[1], p);
  const bp = product(I[2], p);
  const rr = product(I[0], I[0]);
  const rg = product(I[0], I[1]);
  const rb = product(I[0], I[2]);
  const gg = product(I[1], I[1]);
  const gb = product(I[1], I[2]);
  const bb = product(I[2], I[2]);

  // Per pixel: a = (Σ + εU)⁻¹ cov(I, p), b = mean(p) − a·mean(I); solved in place into the product planes.
  const ar = rp;
  const ag = gp;
  const ab = bp;
  const b = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const Mr = mr[i]!;
    const Mg = mg[i]!;
    const Mb = mb[i]!;
    const Mp = mp[i]!;
    const cr = rp[i]! - Mr * Mp;
    const cg = gp[i]! - Mg * Mp;
    const cb = bp[i]! - Mb * Mp;
    const s00 = rr[i]! - Mr * Mr + eps;
    const s01 = rg[i]! - Mr * Mg;
    const s02 = rb[i]! - Mr * Mb;
    const s11 = gg[i]! - Mg * Mg + eps;
    const s12 = gb[i]! - Mg * Mb;
    const s22 = bb[i]! - Mb * Mb + eps;
    // Inverse of the symmetric 3×3 by cofactors.
    const i00 = s11 * s22 - s12 * s12;
    const i01 = s02 * s12 - s01 * s22;
    const i02 = s01 * s12 - s02 * s11;
    const i11 = s00 * s22 - s02 * s02;
    const i12 = s01 * s02 - s00 * s12;
    const i22 = s00 * s11 - s01 * s01;
    const det = s00 * i00 + s01 * i01 + s02 * i02;
    const a0 = (i00 * cr + i01 * cg + i02 * cb) / det;
    const a1 = (i01 * cr + i11 * cg + i12 * cb) / det;
    const a2 = (i02 * cr + i12 * cg + i22 * cb) / det;
    ar[i] = a0;
    ag[i] = a1;
    ab[i] = a2;
    b[i] = Mp - a0 * Mr - a1 * Mg - a2 * Mb;
  }
  const out = { ar: mean(ar), ag: mean(ag), ab: mean(ab), b: mean(b), flat: new Uint8Array(n) };
  // Outside the band where the coarse mask changes within the window, pin the mask to 0 or 1.
  const pinned = new Uint8Array(n); // 0 = in the band, 1 = pinned to 0, 2 = pinned to 1
  for (let i = 0; i < n; i++) {
    const m = mp[i]!;
    if (m > 0.01 && m < 0.99) continue;
    out.ar[i] = 0;
    out.ag[i] = 0;
    out.ab[i] = 0;
    out.b[i] = p[i]! >= 0.5 ? 1 : 0;
    pinned[i] = p[i]! >= 0.5 ? 2 : 1;
  }
  // Full-resolution pixels interpolate a cell with its right and lower neighbours: where all four
  // are pinned alike the result is that constant, so the full-resolution pass can skip the maths.
  for (let y = 0; y < h; y++) {
    const down = y + 1 < h ? w : 0;
    for (let x = 0, i = y * w; x < w; x++, i++) {
      const v = pinned[i]!;
      const right = x + 1 < w ? 1 : 0;
      if (v && pinned[i + right] === v && pinned[i + down] === v && pinned[i + down + right] === v)
        out.flat[i] = v;
    }
  }
  return out;
}

/** q = A·I + B at full resolution, with A and B bilinearly upsampled row by row. */
function applyCoefficients(image: RawImage, c: Coefficients, ww: number, wh: number): Mask {
  const { width, height, channels: ch, data } = image;
  const out = new Uint8Array(width * height);
  const x0s = new Int32Array(width);
  const fxs = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const sx = Math.min(ww - 1, Math.max(0, ((x + 0.5) * ww) / width - 0.5));
    x0s[x] = Math.floor(sx);
    fxs[x] = sx - Math.floor(sx);
  }
  // x0s never decreases: cell cx covers the pixels firstX[cx] ≤ x < firstX[cx + 1].
  const firstX = new Int32Array(ww + 1).fill(width);
  for (let x = width - 1; x >= 0; x--) firstX[x0s[x]!] = x;
  for (let cx = ww - 1; cx >= 0; cx--) firstX[cx] = Math.min(firstX[cx]!, firstX[cx + 1]!);
  // One interpolated row per plane, with a repeated last element so x0+1 never reads past the end.
  const rows = [
    new Float32Array(ww + 1),
    new Float32Array(ww + 1),
    new Float32Array(ww + 1),
    new Float32Array(ww + 1),
  ];
  const planes = [c.ar, c.ag, c.ab, c.b];
  const [rowR, rowG, rowB, rowK] = rows as [Float32Array, Float32Array, Float32Array, Float32Array];
  let cachedY = -1;
  for (let y = 0; y < height; y++) {
    const sy = Math.min(wh - 1, Math.max(0, ((y + 0.5) * wh) / height - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(wh - 1, y0 + 1);
    const fy = sy - y0;
    const key = y0 + fy; // rows repeat when upscaling by large factors only in fy; recompute when it changes
    if (key !== cachedY) {
      cachedY = key;
      for (let k = 0; k < 4; k++) {
        const plane = planes[k]!;
        const row = rows[k]!;
        const a = y0 * ww;
        const bRow = y1 * ww;
        for (let x = 0; x < ww; x++) row[x] = plane[a + x]! + (plane[bRow + x]! - plane[a + x]!) * fy;
        row[ww] = row[ww - 1]!;
      }
    }
    const flatRow = y0 * ww;
    // Cell by cell along the row: a pinned cell's pixels are one fill, the others are worked out.
    for (let cx = 0; cx < ww; cx++) {
      const from = firstX[cx]!;
      const to = firstX[cx + 1]!;
      if (from === to) continue;
      const flat = c.flat[flatRow + cx]!;
      const d0 = y * width;
      if (flat) {
        // Pinned to 0 needs nothing: the output starts zeroed.
        if (flat === 2) out.fill(255, d0 + from, d0 + to);
        continue;
      }
      for (let x = from, s = (d0 + from) * ch, d = d0 + from; x < to; x++, s += ch, d++) {
        const fx = fxs[x]!;
        const Ar = rowR[cx]! + (rowR[cx + 1]! - rowR[cx]!) * fx;
        const Ag = rowG[cx]! + (rowG[cx + 1]! - rowG[cx]!) * fx;
        const Ab = rowB[cx]! + (rowB[cx + 1]! - rowB[cx]!) * fx;
        const K = rowK[cx]! + (rowK[cx + 1]! - rowK[cx]!) * fx;
        const q = (Ar * data[s]! + Ag * data[s + 1]! + Ab * data[s + 2]!) / 255 + K;
        out[d] = q <= 0 ? 0 : q >= 1 ? 255 : q * 255 + 0.5;
      }
    }
  }
  return { data: out, width, height };
}
