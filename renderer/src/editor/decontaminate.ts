/**
 * The engine's edge decontamination (electron/engine/matte/decontaminate.ts) at preview size: in the
 * semi-transparent band a pixel is C = αF + (1−α)B; smooth fields of subject and background colour
 * are filled outward (push-pull) and F is solved where α is large enough, so the preview shows the
 * same halo-free edges as the full-resolution render.
 */
import type { Plane8, Rgba8 } from './raster';

const FIELD_SIDE = 1024;
const HIGH = 250;
const LOW = 5;

interface Field {
  rgb: Float32Array;
  width: number;
  height: number;
  cell: number;
  empty: boolean;
}

function pushPull(colour: Float32Array, weight: Float32Array, w: number, h: number): void {
  if (w <= 1 && h <= 1) return;
  const cw = Math.ceil(w / 2);
  const chh = Math.ceil(h / 2);
  const cColour = new Float32Array(cw * chh * 3);
  const cWeight = new Float32Array(cw * chh);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const wt = weight[i]!;
      if (wt === 0) continue;
      const p = (y >> 1) * cw + (x >> 1);
      cWeight[p]! += wt;
      for (let k = 0; k < 3; k++) cColour[p * 3 + k]! += colour[i * 3 + k]! * wt;
    }
  }
  for (let p = 0; p < cw * chh; p++) {
    const wt = cWeight[p]!;
    if (wt === 0) continue;
    for (let k = 0; k < 3; k++) cColour[p * 3 + k]! /= wt;
    cWeight[p] = Math.min(1, wt);
  }
  pushPull(cColour, cWeight, cw, chh);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const wt = weight[i]!;
      if (wt >= 1) continue;
      const p = (y >> 1) * cw + (x >> 1);
      for (let k = 0; k < 3; k++)
        colour[i * 3 + k] = colour[i * 3 + k]! * wt + cColour[p * 3 + k]! * (1 - wt);
      weight[i] = 1;
    }
  }
}

function field(image: Rgba8, mask: Plane8, cell: number, pick: (a: number) => boolean): Field {
  const { width, height, data } = image;
  const gw = Math.ceil(width / cell);
  const gh = Math.ceil(height / cell);
  const sum = new Float32Array(gw * gh * 3);
  const count = new Float32Array(gw * gh);
  for (let y = 0; y < height; y++) {
    const gRow = Math.floor(y / cell) * gw;
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!pick(mask.data[i]!)) continue;
      const g = gRow + Math.floor(x / cell);
      sum[g * 3]! += data[i * 4]!;
      sum[g * 3 + 1]! += data[i * 4 + 1]!;
      sum[g * 3 + 2]! += data[i * 4 + 2]!;
      count[g]! += 1;
    }
  }
  const area = cell * cell;
  let any = false;
  const colour = new Float32Array(gw * gh * 3);
  const weight = new Float32Array(gw * gh);
  for (let g = 0; g < gw * gh; g++) {
    const c = count[g]!;
    if (c === 0) continue;
    any = true;
    for (let k = 0; k < 3; k++) colour[g * 3 + k] = sum[g * 3 + k]! / c;
    weight[g] = Math.min(1, (4 * c) / area);
  }
  if (any) pushPull(colour, weight, gw, gh);
  return { rgb: colour, width: gw, height: gh, cell, empty: !any };
}

function sample(f: Field, x: number, y: number, out: Float32Array): void {
  const sx = Math.min(f.width - 1, Math.max(0, (x + 0.5) / f.cell - 0.5));
  const sy = Math.min(f.height - 1, Math.max(0, (y + 0.5) / f.cell - 0.5));
  const x0 = Math.floor(sx);
  const y0 = Math.floor(sy);
  const x1 = Math.min(f.width - 1, x0 + 1);
  const y1 = Math.min(f.height - 1, y0 + 1);
  const fx = sx - x0;
  const fy = sy - y0;
  const a = (y0 * f.width + x0) * 3;
  const b = (y0 * f.width + x1) * 3;
  const c = (y1 * f.width + x0) * 3;
  const d = (y1 * f.width + x1) * 3;
  for (let k = 0; k < 3; k++) {
    const top = f.rgb[a + k]! + (f.rgb[b + k]! - f.rgb[a + k]!) * fx;
    const bottom = f.rgb[c + k]! + (f.rgb[d + k]! - f.rgb[c + k]!) * fx;
    out[k] = top + (bottom - top) * fy;
  }
}

/** The subject on transparency: the original's colours (decontaminated if asked), alpha = mask. */
export function cutoutLayer(original: Rgba8, mask: Plane8, decontaminate: boolean): Rgba8 {
  const { width, height } = original;
  const out = new Uint8ClampedArray(original.data);
  for (let i = 0; i < mask.data.length; i++)
    out[i * 4 + 3] = (mask.data[i]! * original.data[i * 4 + 3]!) / 255 + 0.5;
  if (!decontaminate) return { data: out, width, height };
  const cell = Math.max(1, Math.ceil(Math.max(width, height) / FIELD_SIDE));
  const fg = field(original, mask, cell, (a) => a >= HIGH);
  if (fg.empty) return { data: out, width, height };
  const bg = field(original, mask, cell, (a) => a <= LOW);
  const F = new Float32Array(3);
  const B = new Float32Array(3);
  const src = original.data;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const a8 = mask.data[i]!;
      if (a8 === 0 || a8 === 255) continue;
      const alpha = a8 / 255;
      sample(fg, x, y, F);
      const t = bg.empty ? 0 : Math.min(1, Math.max(0, (alpha - 0.15) / 0.6));
      if (t > 0) sample(bg, x, y, B);
      for (let k = 0; k < 3; k++) {
        let v = F[k]!;
        if (t > 0) {
          const solved = Math.min(255, Math.max(0, (src[i * 4 + k]! - (1 - alpha) * B[k]!) / alpha));
          v += (solved - v) * t;
        }
        out[i * 4 + k] = v;
      }
    }
  }
  return { data: out, width, height };
}
