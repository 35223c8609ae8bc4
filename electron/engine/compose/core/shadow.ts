/**
 * A soft contact shadow like a product photographed on a sweep: a dark, tight line where the
 * subject touches the floor, a squashed, blurred footprint of its base around it, and a faint
 * ambient drop of the whole silhouette, each blurred and screened together. All sizes scale with
 * the subject's height, so a preset looks the same on a 1080 px story, a 2700 px Etsy canvas and
 * the display-size preview.
 */
import { subjectBounds } from './bounds';
import { bottomProfile, EDGE_TRIM, groundLine, profileBand, type Patch } from './floor-line';
import { clamp01 } from './gradient';
import { blurFloat, newPlane, SHARP_BLUR_SIGMA } from './raster';
import type { ShadowSpec } from './specs';
import type { Box, Plane8 } from './types';

export const defaultShadow: ShadowSpec = { opacity: 0.5, blur: 18, offsetY: 4, spread: 1.05 };

/** Area-averaging resize of a region of a plane to `w`×`h` (independent x and y scales). */
export function resizePlaneRegion(src: Plane8, box: Box, w: number, h: number): Plane8 {
  const out = newPlane(w, h);
  const sx = box.width / w;
  const sy = box.height / h;
  for (let y = 0; y < h; y++) {
    const y0 = box.y + y * sy;
    const y1 = y0 + Math.max(sy, 1);
    for (let x = 0; x < w; x++) {
      const x0 = box.x + x * sx;
      const x1 = x0 + Math.max(sx, 1);
      let sum = 0;
      let area = 0;
      for (let yy = Math.floor(y0); yy < Math.ceil(y1); yy++) {
        const wy = Math.min(y1, yy + 1) - Math.max(y0, yy);
        if (wy <= 0 || yy >= src.height) continue;
        for (let xx = Math.floor(x0); xx < Math.ceil(x1); xx++) {
          const wx = Math.min(x1, xx + 1) - Math.max(x0, xx);
          if (wx <= 0 || xx >= src.width) continue;
          sum += src.data[yy * src.width + xx]! * wx * wy;
          area += wx * wy;
        }
      }
      out.data[y * w + x] = area > 0 ? sum / area + 0.5 : 0;
    }
  }
  return out;
}

/** The rectangle of the canvas the stamps reached so far (x1, y1 exclusive). */
interface Reach {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

function stamp(
  acc: Float32Array,
  width: number,
  height: number,
  patch: Patch,
  sigma: number,
  opacity: number,
  reach: Reach,
): void {
  const pad = Math.ceil(sigma * 3) + 1;
  const pw = patch.mask.width + pad * 2;
  const ph = patch.mask.height + pad * 2;
  const soft = new Float32Array(pw * ph);
  for (let y = 0; y < patch.mask.height; y++)
    for (let x = 0; x < patch.mask.width; x++)
      soft[(y + pad) * pw + x + pad] = patch.mask.data[y * patch.mask.width + x]!;
  if (sigma >= 0.3) blurFloat(soft, pw, ph, 1, SHARP_BLUR_SIGMA * sigma);
  const left = patch.left - pad;
  const top = patch.top - pad;
  reach.x0 = Math.min(reach.x0, Math.max(0, left));
  reach.y0 = Math.min(reach.y0, Math.max(0, top));
  reach.x1 = Math.max(reach.x1, Math.min(width, left + pw));
  reach.y1 = Math.max(reach.y1, Math.min(height, top + ph));
  for (let y = Math.max(0, -top); y < ph; y++) {
    const cy = top + y;
    if (cy >= height) break;
    for (let x = Math.max(0, -left); x < pw; x++) {
      const cx = left + x;
      if (cx >= width) break;
      const v = (soft[y * pw + x]! / 255) * opacity;
      if (v <= 0) continue;
      const i = cy * width + cx;
      acc[i] = 1 - (1 - acc[i]!) * (1 - v);
    }
  }
}

/**
 * The shadow as a mask (its alpha, 0..255) for a subject whose mask is `mask`, already placed on
 * the output canvas (same size as the result).
 */
export function renderShadow(mask: Plane8, spec: ShadowSpec): Plane8 {
  const { width, height } = mask;
  const acc = new Float32Array(width * height);
  const reach: Reach = { x0: width, y0: height, x1: 0, y1: 0 };
  const box = subjectBounds(mask);
  const out = newPlane(width, height);
  if (!box || spec.opacity <= 0) return out;
  const k = box.height / 1000;
  const base = box.y + box.height;
  const blur = Math.max(0, spec.blur) * k;
  const offset = spec.offsetY * k;
  const profile = bottomProfile(mask, box);
  const ground = groundLine(profile);
  const trim = Math.floor(profile.length * EDGE_TRIM);
  const touching = profile.map((yb, x) =>
    x < trim || x >= profile.length - trim
      ? 0
      : yb < 0
        ? 0
        : clamp01(1 - ((ground[x] ?? yb) - yb) / (0.03 * box.height)),
  );
  stamp(
    acc,
    width,
    height,
    profileBand(profile, touching, box, 6 * k, 4 * k, offset * 0.3),
    blur * 0.2,
    spec.opacity,
    reach,
  );
  const present = profile.map((yb, x) =>
    yb < 0 ? 0 : 0.2 + 0.8 * clamp01(1 - ((ground[x] ?? yb) - yb) / (0.25 * box.height)),
  );
  const footprint = profileBand(ground, present, box, 12 * k, 28 * k, offset, spec.spread, 0.2);
  stamp(acc, width, height, footprint, blur, spec.opacity * 0.55, reach);
  const w = Math.max(1, Math.round(box.width * spec.spread * 1.1));
  const h = Math.max(1, Math.round(box.height * 0.1));
  const ambient: Patch = {
    mask: resizePlaneRegion(mask, box, w, h),
    left: Math.round(box.x + box.width / 2 - w / 2),
    top: Math.round(base + offset * 1.5 - h / 2),
  };
  stamp(acc, width, height, ambient, Math.max(blur * 2.5, 40 * k), spec.opacity * 0.2, reach);
  // Only the stamped rectangle holds any shadow: the rest of the canvas stays zero.
  for (let y = reach.y0; y < reach.y1; y++)
    for (let i = y * width + reach.x0; i < y * width + reach.x1; i++) out.data[i] = Math.round(acc[i]! * 255);
  return out;
}

/**
 * Darkens `bg` (RGBA, in place) by the shadow: black at the shadow's alpha composited "over" it,
 * touching only the pixels the shadow covers. Over an opaque pixel black simply scales the colour;
 * over a see-through one the result gains alpha and its colour keeps the background's share.
 */
export function applyShadow(bg: Uint8ClampedArray, shadow: Plane8): void {
  for (let i = 0; i < shadow.data.length; i++) {
    const s = shadow.data[i]!;
    if (s === 0) continue;
    const o = i * 4;
    const ab = bg[o + 3]!;
    const keep = ab === 255 ? 255 - s : (ab * (255 - s)) / (s + (ab * (255 - s)) / 255);
    bg[o] = (bg[o]! * keep) / 255;
    bg[o + 1] = (bg[o + 1]! * keep) / 255;
    bg[o + 2] = (bg[o + 2]! * keep) / 255;
    bg[o + 3] = s + (ab * (255 - s)) / 255;
  }
}
