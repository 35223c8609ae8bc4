import type { Mask, RawImage } from '../imaging/raw';

/** Largest side of the grid on which the smooth foreground/background colour fields are estimated. */
const FIELD_SIDE = 1024;
/** Alpha at or above this is trusted as pure subject colour; at or below LOW as pure background. */
const HIGH = 250;
const LOW = 5;

/**
 * A smooth colour field filled outward from the pixels selected by `pick` (push-pull: average the
 * known pixels into a pyramid, then fill each unknown cell from its coarser parent). Built on a grid
 * of `cell`×`cell` blocks so its memory does not grow with the photo.
 */
interface ColourField {
  rgb: Float32Array; // 3 values per cell
  width: number;
  height: number;
  cell: number;
  empty: boolean;
}

function colourField(
  image: RawImage,
  mask: Mask,
  cell: number,
  pick: (alpha: number) => boolean,
): ColourField {
  const { width, height, channels: ch, data } = image;
  const gw = Math.ceil(width / cell);
  const gh = Math.ceil(height / cell);
  const sum = new Float32Array(gw * gh * 3);
  const count = new Float32Array(gw * gh);
  for (let y = 0; y < height; y++) {
    const gRow = Math.floor(y / cell) * gw;
    for (let x = 0, i = y * width, s = i * ch; x < width; x++, i++, s += ch) {
      if (!pick(mask.data[i]!)) continue;
      const g = gRow + Math.floor(x / cell);
      sum[g * 3]! += data[s]!;
      sum[g * 3 + 1]! += data[s + 1]!;
      sum[g * 3 + 2]! += data[s + 2]!;
      count[g]! += 1;
    }
  }
  const area = cell * cell;
  let any = false;
  // Level 0: mean colour and a weight in 0..1 (share of the cell that was known).
  const colour = new Float32Array(gw * gh * 3);
  const weight = new Float32Array(gw * gh);
  for (let g = 0; g < gw * gh; g++) {
    const c = count[g]!;
    if (c === 0) continue;
    any = true;
    colour[g * 3] = sum[g * 3]! / c;
    colour[g * 3 + 1] = sum[g * 3 + 1]! / c;
    colour[g * 3 + 2] = sum[g * 3 + 2]! / c;
    weight[g] = Math.min(1, (4 * c) / area); // a quarter-full cell is already a confident estimate
  }
  if (any) pushPull(colour, weight, gw, gh);
  return { rgb: colour, width: gw, height: gh, cell, empty: !any };
}

/** Fills cells of weight < 1 from a 2× coarser level, recursively (Gortler et al.'s push-pull). */
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
      cColour[p * 3]! += colour[i * 3]! * wt;
      cColour[p * 3 + 1]! += colour[i * 3 + 1]! * wt;
      cColour[p * 3 + 2]! += colour[i * 3 + 2]! * wt;
    }
  }
  for (let p = 0; p < cw * chh; p++) {
    const wt = cWeight[p]!;
    if (wt === 0) continue;
    cColour[p * 3]! /= wt;
    cColour[p * 3 + 1]! /= wt;
    cColour[p * 3 + 2]! /= wt;
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

/** Bilinear sample of a field at full-resolution pixel (x, y) into out[0..2]. */
function sample(f: ColourField, x: number, y: number, out: Float32Array): void {
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

/**
 * Writes foreground colours without the old background's tint into `rgba` (RGBA, alpha = mask).
 * In the semi-transparent band a pixel is C = αF + (1−α)B. B and a fallback F come from smooth fields
 * filled outward from confidently-background and confidently-subject pixels; F is then solved from
 * the compositing equation where α is large enough to be stable, and leans on the fallback where α is
 * small (thin hair, soft edges), so no halo of the old background remains.
 */
export function decontaminateInto(rgba: Buffer, image: RawImage, mask: Mask): void {
  const { width, height, channels: ch, data } = image;
  const cell = Math.max(1, Math.ceil(Math.max(width, height) / FIELD_SIDE));
  const fg = colourField(image, mask, cell, (a) => a >= HIGH);
  if (fg.empty) return;
  const bg = colourField(image, mask, cell, (a) => a <= LOW);
  const F = new Float32Array(3);
  const B = new Float32Array(3);
  for (let y = 0; y < height; y++) {
    for (let x = 0, i = y * width, s = i * ch, d = i * 4; x < width; x++, i++, s += ch, d += 4) {
      const a8 = mask.data[i]!;
      if (a8 === 0 || a8 === 255) continue;
      const alpha = a8 / 255;
      sample(fg, x, y, F);
      // Trust the solved colour from α ≈ 0.15 up, fully from α ≈ 0.75.
      let t = bg.empty ? 0 : (alpha - 0.15) / 0.6;
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      if (t > 0) sample(bg, x, y, B);
      for (let k = 0; k < 3; k++) {
        let v = F[k]!;
        if (t > 0) {
          let solved = (data[s + k]! - (1 - alpha) * B[k]!) / alpha;
          solved = solved < 0 ? 0 : solved > 255 ? 255 : solved;
          v = v + (solved - v) * t;
        }
        rgba[d + k] = v + 0.5;
      }
    }
  }
}
