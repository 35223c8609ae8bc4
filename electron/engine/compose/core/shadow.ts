/**
 * The engine's soft contact shadow (electron/engine/compose/shadow.ts and floor-line.ts) at preview
 * size: contact line, footprint along the floor line, ambient squashed silhouette, each blurred and
 * screened together. Its sizes scale with the subject's height, so the same spec gives the same
 * look at display size; only the blur differs slightly (three box passes instead of libvips' Gaussian).
 */
import { blurFloat, newPlane, planeBounds, SHARP_BLUR_SIGMA, type Box, type Plane8 } from './raster';
import type { ShadowSpec } from './recipe';

const EDGE_TRIM = 0.04;
const MAX_FLOOR_SLOPE = 0.5;
const SUBJECT_ALPHA_THRESHOLD = 24;
const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

interface Patch {
  mask: Plane8;
  left: number;
  top: number;
}

function bottomProfile(mask: Plane8, box: Box): Float32Array {
  const profile = new Float32Array(box.width).fill(-1);
  for (let x = 0; x < box.width; x++) {
    for (let y = box.y + box.height - 1; y >= box.y; y--) {
      if (mask.data[y * mask.width + box.x + x]! >= 128) {
        profile[x] = y;
        break;
      }
    }
  }
  return profile;
}

/** Lower convex hull of the bottom profile, kept only while the floor stays gentle. */
function groundLine(profile: Float32Array): Float32Array {
  const hull: number[] = [];
  const p = (i: number) => profile[i] ?? 0;
  const cross = (o: number, a: number, b: number) => (a - o) * (p(b) - p(o)) - (p(a) - p(o)) * (b - o);
  const trim = Math.floor(profile.length * EDGE_TRIM);
  for (let x = trim; x < profile.length - trim; x++) {
    if (p(x) < 0) continue;
    while (hull.length >= 2 && cross(hull[hull.length - 2]!, hull[hull.length - 1]!, x) >= 0) hull.pop();
    hull.push(x);
  }
  const line = new Float32Array(profile.length).fill(-1);
  if (hull.length === 0) return line;
  const y = (h: number) => p(hull[h] ?? 0);
  const gentle = (h: number) =>
    Math.abs(y(h + 1) - y(h)) <= MAX_FLOOR_SLOPE * ((hull[h + 1] ?? 0) - (hull[h] ?? 0));
  let lowest = 0;
  for (let h = 1; h < hull.length; h++) if (y(h) > y(lowest)) lowest = h;
  let from = lowest;
  while (from > 0 && gentle(from - 1)) from--;
  let to = lowest;
  while (to < hull.length - 1 && gentle(to)) to++;
  hull.splice(to + 1);
  hull.splice(0, from);
  const first = hull[0]!;
  const last = hull[hull.length - 1]!;
  line.fill(p(first), 0, first);
  line.fill(p(last), last + 1);
  for (let h = 0; h < hull.length; h++) {
    const a = hull[h]!;
    const b = hull[h + 1] ?? a;
    for (let x = a; x <= b; x++) line[x] = p(a) + (p(b) - p(a)) * (b === a ? 0 : (x - a) / (b - a));
  }
  return line;
}

function profileBand(
  line: Float32Array,
  weight: Float32Array,
  box: Box,
  above: number,
  below: number,
  offset: number,
  spread = 1,
  taper = 0,
): Patch {
  const up = Math.max(2, Math.round(above));
  const down = Math.max(2, Math.round(below));
  const width = Math.max(1, Math.round(box.width * spread));
  const left = Math.round(box.x + box.width / 2 - width / 2);
  let highest = box.y + box.height;
  for (const y of line) if (y >= 0 && y < highest) highest = Math.floor(y);
  const top = highest - up + Math.round(offset);
  const height = box.y + box.height - highest + up + down + 1;
  const mask = newPlane(width, height);
  for (let x = 0; x < width; x++) {
    const source = Math.min(box.width - 1, Math.max(0, Math.floor((x / width) * box.width)));
    const y0 = line[source] ?? -1;
    const end = taper > 0 ? clamp01(Math.min(x + 0.5, width - x - 0.5) / (taper * width)) : 1;
    const value = Math.round(255 * (weight[source] ?? 0) * end * end * (3 - 2 * end));
    if (y0 < 0 || value === 0) continue;
    const centre = Math.round(y0 + offset) - top;
    for (let y = Math.max(0, centre - up); y <= Math.min(height - 1, centre + down); y++)
      mask.data[y * width + x] = value;
  }
  return { mask, left, top };
}

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

function stamp(
  acc: Float32Array,
  width: number,
  height: number,
  patch: Patch,
  sigma: number,
  opacity: number,
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

/** The shadow's alpha for a subject whose mask (already placed, output size) is `mask`. */
export function renderShadow(mask: Plane8, spec: ShadowSpec): Plane8 {
  const { width, height } = mask;
  const acc = new Float32Array(width * height);
  const box = planeBounds(mask, SUBJECT_ALPHA_THRESHOLD);
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
  );
  const present = profile.map((yb, x) =>
    yb < 0 ? 0 : 0.2 + 0.8 * clamp01(1 - ((ground[x] ?? yb) - yb) / (0.25 * box.height)),
  );
  const footprint = profileBand(ground, present, box, 12 * k, 28 * k, offset, spec.spread, 0.2);
  stamp(acc, width, height, footprint, blur, spec.opacity * 0.55);
  const w = Math.max(1, Math.round(box.width * spec.spread * 1.1));
  const h = Math.max(1, Math.round(box.height * 0.1));
  const ambient: Patch = {
    mask: resizePlaneRegion(mask, box, w, h),
    left: Math.round(box.x + box.width / 2 - w / 2),
    top: Math.round(base + offset * 1.5 - h / 2),
  };
  stamp(acc, width, height, ambient, Math.max(blur * 2.5, 40 * k), spec.opacity * 0.2);
  for (let i = 0; i < acc.length; i++) out.data[i] = Math.round(acc[i]! * 255);
  return out;
}

/** Darkens `bg` (RGBA, in place) by the shadow: black at the shadow's alpha, composited over it. */
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
