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
import { remember, type Memo } from './memo';
import { blurFloat, SHARP_BLUR_SIGMA } from './gaussian';
import { newPlane } from './raster';
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

/**
 * One of the shadow's three parts, blurred, before its opacity: `soft` (0..255 floats, `pw`×`ph`) is
 * laid with its top-left corner at (`left`, `top`) on the canvas; `share` is its opacity as a share of
 * the spec's.
 */
interface SoftStamp {
  soft: Float32Array;
  left: number;
  top: number;
  pw: number;
  ph: number;
  share: number;
}

/**
 * The shadow's blurred parts for a subject whose placed mask is `mask`: the costly half of the shadow
 * (three blurs), which depends on the shape, blur, offset and spread but not on the opacity, so the
 * preview keeps it while only the opacity or the background changes.
 */
export interface ShadowStamps {
  stamps: SoftStamp[];
  /** The canvas's size. */
  width: number;
  height: number;
}

/** The part of a canvas a shadow covers: `plane` (alpha 0..255) laid at (`x`, `y`). */
export interface ShadowPatch {
  plane: Plane8;
  x: number;
  y: number;
}

function blurredStamp(patch: Patch, sigma: number, share: number): SoftStamp {
  const pad = Math.ceil(sigma * 3) + 1;
  const pw = patch.mask.width + pad * 2;
  const ph = patch.mask.height + pad * 2;
  const soft = new Float32Array(pw * ph);
  for (let y = 0; y < patch.mask.height; y++)
    for (let x = 0; x < patch.mask.width; x++)
      soft[(y + pad) * pw + x + pad] = patch.mask.data[y * patch.mask.width + x]!;
  if (sigma >= 0.3) blurFloat(soft, pw, ph, 1, SHARP_BLUR_SIGMA * sigma);
  return { soft, left: patch.left - pad, top: patch.top - pad, pw, ph, share };
}

/**
 * The blurred parts of the shadow of `mask` (none when the mask is empty). `silhouette` keeps the
 * ambient part's shrunken silhouette, which depends on the mask and spread only (not the blur).
 */
export function shadowStamps(
  mask: Plane8,
  spec: Omit<ShadowSpec, 'opacity'>,
  silhouette?: Memo<Plane8>,
): ShadowStamps {
  const { width, height } = mask;
  const box = subjectBounds(mask);
  if (!box) return { stamps: [], width, height };
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
  const contact = blurredStamp(
    profileBand(profile, touching, box, 6 * k, 4 * k, offset * 0.3),
    blur * 0.2,
    1,
  );
  const present = profile.map((yb, x) =>
    yb < 0 ? 0 : 0.2 + 0.8 * clamp01(1 - ((ground[x] ?? yb) - yb) / (0.25 * box.height)),
  );
  const footprint = profileBand(ground, present, box, 12 * k, 28 * k, offset, spec.spread, 0.2);
  const w = Math.max(1, Math.round(box.width * spec.spread * 1.1));
  const h = Math.max(1, Math.round(box.height * 0.1));
  const ambient: Patch = {
    mask: remember(silhouette, [mask, box.x, box.y, box.width, box.height, w, h], () =>
      resizePlaneRegion(mask, box, w, h),
    ),
    left: Math.round(box.x + box.width / 2 - w / 2),
    top: Math.round(base + offset * 1.5 - h / 2),
  };
  return {
    stamps: [
      contact,
      blurredStamp(footprint, blur, 0.55),
      blurredStamp(ambient, Math.max(blur * 2.5, 40 * k), 0.2),
    ],
    width,
    height,
  };
}

/**
 * The stamps screened together at `opacity`, as a patch covering only the rectangle they reach on the
 * canvas (the rest of the canvas has no shadow).
 */
export function combineStamps(s: ShadowStamps, opacity: number): ShadowPatch {
  const { width, height } = s;
  let x0 = width;
  let y0 = height;
  let x1 = 0;
  let y1 = 0;
  for (const t of s.stamps) {
    x0 = Math.min(x0, Math.max(0, t.left));
    y0 = Math.min(y0, Math.max(0, t.top));
    x1 = Math.max(x1, Math.min(width, t.left + t.pw));
    y1 = Math.max(y1, Math.min(height, t.top + t.ph));
  }
  const rw = Math.max(0, x1 - x0);
  const rh = Math.max(0, y1 - y0);
  const plane = newPlane(rw, rh);
  if (opacity <= 0 || rw === 0 || rh === 0) return { plane, x: Math.min(x0, width), y: Math.min(y0, height) };
  const acc = new Float32Array(rw * rh);
  for (const t of s.stamps) {
    const o = opacity * t.share;
    for (let y = Math.max(0, -t.top); y < t.ph; y++) {
      const cy = t.top + y;
      if (cy >= height) break;
      const row = (cy - y0) * rw - x0;
      for (let x = Math.max(0, -t.left); x < t.pw; x++) {
        const cx = t.left + x;
        if (cx >= width) break;
        const v = (t.soft[y * t.pw + x]! / 255) * o;
        if (v <= 0) continue;
        const i = row + cx;
        acc[i] = 1 - (1 - acc[i]!) * (1 - v);
      }
    }
  }
  for (let i = 0; i < acc.length; i++) plane.data[i] = Math.round(acc[i]! * 255);
  return { plane, x: x0, y: y0 };
}

/**
 * The shadow as a mask (its alpha, 0..255) for a subject whose mask is `mask`, already placed on
 * the output canvas (same size as the result).
 */
export function renderShadow(mask: Plane8, spec: ShadowSpec): Plane8 {
  const { width, height } = mask;
  const out = newPlane(width, height);
  if (spec.opacity <= 0) return out;
  const patch = combineStamps(shadowStamps(mask, spec), spec.opacity);
  const { plane, x, y } = patch;
  for (let row = 0; row < plane.height; row++)
    out.data.set(plane.data.subarray(row * plane.width, (row + 1) * plane.width), (y + row) * width + x);
  return out;
}

/** applyShadow for a patch of the canvas (`bg` is RGBA, `width` pixels wide). */
export function applyShadowPatch(bg: Uint8ClampedArray, width: number, patch: ShadowPatch): void {
  const { plane, x, y } = patch;
  for (let row = 0; row < plane.height; row++) {
    const o = ((y + row) * width + x) * 4;
    darken(bg, o, plane.data, row * plane.width, plane.width);
  }
}

/**
 * Darkens `bg` (RGBA, in place) by the shadow: black at the shadow's alpha composited "over" it,
 * touching only the pixels the shadow covers. Over an opaque pixel black simply scales the colour;
 * over a see-through one the result gains alpha and its colour keeps the background's share.
 */
export function applyShadow(bg: Uint8ClampedArray, shadow: Plane8): void {
  darken(bg, 0, shadow.data, 0, shadow.data.length);
}

/** Black at the shadow's alpha over `count` pixels of `bg` from byte `o`, shadow values from `s0`. */
function darken(bg: Uint8ClampedArray, o0: number, shadow: Uint8Array, s0: number, count: number): void {
  for (let k = 0; k < count; k++) {
    const s = shadow[s0 + k]!;
    if (s === 0) continue;
    const o = o0 + k * 4;
    const ab = bg[o + 3]!;
    const keep = ab === 255 ? 255 - s : (ab * (255 - s)) / (s + (ab * (255 - s)) / 255);
    bg[o] = (bg[o]! * keep) / 255;
    bg[o + 1] = (bg[o + 1]! * keep) / 255;
    bg[o + 2] = (bg[o + 2]! * keep) / 255;
    bg[o + 3] = s + (ab * (255 - s)) / 255;
  }
}
