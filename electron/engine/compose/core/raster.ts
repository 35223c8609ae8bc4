/**
 * The few raster operations the compositor needs (resampling under a scale + shift, halving,
 * RGBA/plane conversions; the Gaussian blur is gaussian.ts). Pure typed-array code with no DOM and no Node, so
 * it runs the same at full resolution in the engine and at display size in the preview worker.
 */
import { scratchBuffer } from './scratch';
import type { Box, Pixels, Plane8, Rgba8 } from './types';

export type { Box, Plane8, Rgba8 } from './types';

export function newRgba(width: number, height: number): Rgba8 {
  return { data: new Uint8ClampedArray(scratchBuffer(width * height * 4, true)), width, height };
}

export function newPlane(width: number, height: number): Plane8 {
  return { data: new Uint8Array(scratchBuffer(width * height, true)), width, height };
}

export function cloneRgba(img: Rgba8): Rgba8 {
  const data = new Uint8ClampedArray(scratchBuffer(img.data.length, false));
  data.set(img.data);
  return { data, width: img.width, height: img.height };
}

export function clonePlane(p: Plane8): Plane8 {
  const data = new Uint8Array(scratchBuffer(p.data.length, false));
  data.set(p.data);
  return { data, width: p.width, height: p.height };
}

/**
 * An affine map from source pixels to output pixels (scale then translate), the only transform the
 * compositor uses: trim and canvas placement are both scale + shift.
 */
export interface Placement {
  scale: number;
  dx: number;
  dy: number;
}

/**
 * Resamples `src` (RGBA) under `place` into a `width`×`height` buffer: bilinear when enlarging or
 * mildly shrinking, an area average when shrinking a lot (no aliasing on big reductions). Pixels
 * that map outside the source (or outside `region` of it, when given: a crop) are `outside`
 * ('clear' → transparent, 'clamp' → repeated edge). Colours are weighted by alpha (premultiplied),
 * so transparent neighbours do not bleed their invisible colour in.
 */
export function resampleRgba(
  src: Rgba8,
  place: Placement,
  width: number,
  height: number,
  outside: 'clear' | 'clamp',
  region: Box = { x: 0, y: 0, width: src.width, height: src.height },
): Rgba8 {
  const out = newRgba(width, height);
  const inv = 1 / place.scale;
  // Area filter footprint in source pixels (≥ 1 means plain bilinear).
  const foot = Math.max(1, inv);
  // Up to 3×3 bilinear taps: enough against aliasing at preview size, and cheap.
  const taps = Math.min(3, Math.ceil(foot));
  const step = foot / taps;
  const rx0 = region.x;
  const ry0 = region.y;
  const rx1 = region.x + region.width;
  const ry1 = region.y + region.height;
  // The output columns and rows whose centre maps inside the region ('clear' leaves the rest).
  const cxAt = (x: number) => (x + 0.5 - place.dx) * inv;
  const cyAt = (y: number) => (y + 0.5 - place.dy) * inv;
  let xFrom = 0;
  let xTo = width;
  let yFrom = 0;
  let yTo = height;
  if (outside === 'clear') {
    xFrom = Math.max(0, Math.floor(rx0 * place.scale + place.dx - 0.5));
    xTo = Math.min(width, Math.ceil(rx1 * place.scale + place.dx + 0.5));
    yFrom = Math.max(0, Math.floor(ry0 * place.scale + place.dy - 0.5));
    yTo = Math.min(height, Math.ceil(ry1 * place.scale + place.dy + 0.5));
  }
  // Bilinear taps per column and per row, computed once: [first index, second index, weight].
  const columns = tapTable(
    xFrom,
    xTo,
    taps,
    (x, k) => cxAt(x) - foot / 2 + (k + 0.5) * step - 0.5,
    cxAt,
    rx0,
    rx1,
  );
  const rows = tapTable(
    yFrom,
    yTo,
    taps,
    (y, k) => cyAt(y) - foot / 2 + (k + 0.5) * step - 0.5,
    cyAt,
    ry0,
    ry1,
  );
  const sw = src.width;
  const s = src.data;
  const n = taps * taps;
  if (taps === 1) {
    bilinearRows(src, out, columns, rows, outside === 'clear', { xFrom, xTo, yFrom, yTo });
    return out;
  }
  for (let y = yFrom; y < yTo; y++) {
    const cy = cyAt(y);
    if (outside === 'clear' && (cy < ry0 || cy > ry1)) continue;
    const ry = (y - yFrom) * taps * 3;
    for (let x = xFrom; x < xTo; x++) {
      const cx = cxAt(x);
      if (outside === 'clear' && (cx < rx0 || cx > rx1)) continue;
      const cxi = (x - xFrom) * taps * 3;
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let ty = 0; ty < taps; ty++) {
        const y0 = rows.index[ry + ty * 3]!;
        const y1 = rows.index[ry + ty * 3 + 1]!;
        const fy = rows.weight[(y - yFrom) * taps + ty]!;
        for (let tx = 0; tx < taps; tx++) {
          const x0 = columns.index[cxi + tx * 3]!;
          const x1 = columns.index[cxi + tx * 3 + 1]!;
          const fx = columns.weight[(x - xFrom) * taps + tx]!;
          const i00 = (y0 * sw + x0) * 4;
          const i01 = (y0 * sw + x1) * 4;
          const i10 = (y1 * sw + x0) * 4;
          const i11 = (y1 * sw + x1) * 4;
          const w00 = (1 - fx) * (1 - fy) * s[i00 + 3]!;
          const w01 = fx * (1 - fy) * s[i01 + 3]!;
          const w10 = (1 - fx) * fy * s[i10 + 3]!;
          const w11 = fx * fy * s[i11 + 3]!;
          r += s[i00]! * w00 + s[i01]! * w01 + s[i10]! * w10 + s[i11]! * w11;
          g += s[i00 + 1]! * w00 + s[i01 + 1]! * w01 + s[i10 + 1]! * w10 + s[i11 + 1]! * w11;
          b += s[i00 + 2]! * w00 + s[i01 + 2]! * w01 + s[i10 + 2]! * w10 + s[i11 + 2]! * w11;
          a += w00 + w01 + w10 + w11;
        }
      }
      if (a <= 0) continue;
      const o = (y * width + x) * 4;
      out.data[o] = r / a;
      out.data[o + 1] = g / a;
      out.data[o + 2] = b / a;
      out.data[o + 3] = a / n;
    }
  }
  return out;
}

/**
 * The one-tap case of resampleRgba (enlarging or mild shrinking, the common one), without the tap
 * loops. `clear`: output positions whose taps fell outside (weight-free) stay transparent.
 */
function bilinearRows(
  src: Rgba8,
  out: Rgba8,
  columns: { index: Int32Array; weight: Float32Array; inside: Uint8Array },
  rows: { index: Int32Array; weight: Float32Array; inside: Uint8Array },
  clear: boolean,
  span: { xFrom: number; xTo: number; yFrom: number; yTo: number },
): void {
  const s = src.data;
  const d = out.data;
  const sw = src.width;
  for (let y = span.yFrom; y < span.yTo; y++) {
    const j = y - span.yFrom;
    if (clear && !rows.inside[j]) continue;
    const r0 = rows.index[j * 3]! * sw;
    const r1 = rows.index[j * 3 + 1]! * sw;
    const fy = rows.weight[j]!;
    for (let x = span.xFrom; x < span.xTo; x++) {
      const k = x - span.xFrom;
      if (clear && !columns.inside[k]) continue;
      const fx = columns.weight[k]!;
      const i00 = (r0 + columns.index[k * 3]!) * 4;
      const i01 = (r0 + columns.index[k * 3 + 1]!) * 4;
      const i10 = (r1 + columns.index[k * 3]!) * 4;
      const i11 = (r1 + columns.index[k * 3 + 1]!) * 4;
      const w00 = (1 - fx) * (1 - fy) * s[i00 + 3]!;
      const w01 = fx * (1 - fy) * s[i01 + 3]!;
      const w10 = (1 - fx) * fy * s[i10 + 3]!;
      const w11 = fx * fy * s[i11 + 3]!;
      const a = w00 + w01 + w10 + w11;
      if (a <= 0) continue;
      const o = (y * out.width + x) * 4;
      d[o] = (s[i00]! * w00 + s[i01]! * w01 + s[i10]! * w10 + s[i11]! * w11) / a;
      d[o + 1] = (s[i00 + 1]! * w00 + s[i01 + 1]! * w01 + s[i10 + 1]! * w10 + s[i11 + 1]! * w11) / a;
      d[o + 2] = (s[i00 + 2]! * w00 + s[i01 + 2]! * w01 + s[i10 + 2]! * w10 + s[i11 + 2]! * w11) / a;
      d[o + 3] = a;
    }
  }
}

/**
 * For output positions `from`..`to` and `taps` taps each: the two neighbouring source indices
 * (clamped to [lo, hi)) at stride 3 in `index`, the weight of the second in `weight`, and whether
 * the position's centre falls inside [lo, hi] at all (`inside`).
 */
function tapTable(
  from: number,
  to: number,
  taps: number,
  position: (i: number, tap: number) => number,
  centre: (i: number) => number,
  lo: number,
  hi: number,
): { index: Int32Array; weight: Float32Array; inside: Uint8Array } {
  const count = Math.max(0, to - from) * taps;
  const index = new Int32Array(count * 3);
  const weight = new Float32Array(count);
  const inside = new Uint8Array(Math.max(0, to - from));
  const clamp = (v: number) => (v < lo ? lo : v >= hi ? hi - 1 : v);
  for (let i = from; i < to; i++) {
    const c = centre(i);
    inside[i - from] = c >= lo && c <= hi ? 1 : 0;
    for (let k = 0; k < taps; k++) {
      const p = position(i, k);
      const f = Math.floor(p);
      const j = (i - from) * taps + k;
      index[j * 3] = clamp(f);
      index[j * 3 + 1] = clamp(f + 1);
      weight[j] = p - f;
    }
  }
  return { index, weight, inside };
}

/**
 * Any input photo as RGBA (opaque alpha added when it has none). An RGBA input is viewed, not copied:
 * callers never write into the result.
 */
export function toRgba(img: Pixels): Rgba8 {
  const { width, height, channels, data } = img;
  if (channels === 4) {
    const view =
      data instanceof Uint8ClampedArray
        ? data
        : new Uint8ClampedArray(data.buffer, data.byteOffset, data.length);
    return { data: view, width, height };
  }
  const n = width * height;
  const out = new Uint8ClampedArray(scratchBuffer(n * 4, false));
  for (let i = 0, s = 0, d = 0; i < n; i++, s += channels, d += 4) {
    const r = data[s]!;
    out[d] = r;
    out[d + 1] = channels === 3 ? data[s + 1]! : r;
    out[d + 2] = channels === 3 ? data[s + 2]! : r;
    out[d + 3] = 255;
  }
  return { data: out, width, height };
}

/** A plane as the alpha of a white RGBA image, and back: lets masks reuse the RGBA resampler. */
export function planeToRgba(p: Plane8): Rgba8 {
  const out = newRgba(p.width, p.height);
  for (let i = 0; i < p.data.length; i++) {
    out.data[i * 4] = out.data[i * 4 + 1] = out.data[i * 4 + 2] = 255;
    out.data[i * 4 + 3] = p.data[i]!;
  }
  return out;
}

export function alphaPlane(img: Rgba8): Plane8 {
  const out = newPlane(img.width, img.height);
  for (let i = 0; i < out.data.length; i++) out.data[i] = img.data[i * 4 + 3]!;
  return out;
}

/** Half size (2×2 averages, odd edges kept): the draft copy the preview composes from while you drag. */
export function halveRgba(img: Rgba8): Rgba8 {
  const w = Math.max(1, Math.ceil(img.width / 2));
  const h = Math.max(1, Math.ceil(img.height / 2));
  const out = newRgba(w, h);
  for (let y = 0; y < h; y++) {
    const y0 = 2 * y;
    const y1 = Math.min(img.height - 1, y0 + 1);
    for (let x = 0; x < w; x++) {
      const x0 = 2 * x;
      const x1 = Math.min(img.width - 1, x0 + 1);
      const a = (y0 * img.width + x0) * 4;
      const b = (y0 * img.width + x1) * 4;
      const c = (y1 * img.width + x0) * 4;
      const d = (y1 * img.width + x1) * 4;
      for (let k = 0; k < 4; k++)
        out.data[(y * w + x) * 4 + k] =
          (img.data[a + k]! + img.data[b + k]! + img.data[c + k]! + img.data[d + k]!) / 4;
    }
  }
  return out;
}

export function halvePlane(p: Plane8): Plane8 {
  return alphaPlane(halveRgba(planeToRgba(p)));
}
