/**
 * A soft contact shadow like a product photographed on a sweep: a dark, tight line where the
 * subject touches the floor, a squashed, blurred footprint of its base around it, and a faint
 * ambient drop of the whole silhouette. All sizes scale with the subject, so a preset looks the
 * same on a 1080 px story and a 2700 px Etsy canvas.
 */
import sharp from 'sharp';
import type { Mask, RawImage } from '../imaging/raw';
import { subjectBounds, type Box } from './bounds';
import { bottomProfile, EDGE_TRIM, groundLine, profileBand, type Patch } from './floor-line';
import { clamp01 } from './gradient';
import { maskFromSharp, sharpFromMask, toRgba } from './sharp-raw';

export interface ShadowSpec {
  /** Darkness of the shadow's core, 0..1. */
  opacity: number;
  /** Softness: the footprint's Gaussian sigma in px for a subject 1000 px tall (scales with it). */
  blur: number;
  /** How far below the base the shadow sits, in px for a subject 1000 px tall (scales with it). */
  offsetY: number;
  /** Width of the footprint relative to the subject's base (1 = as wide). */
  spread: number;
}

export const defaultShadow: ShadowSpec = { opacity: 0.5, blur: 18, offsetY: 4, spread: 1.05 };

/**
 * The shadow as a mask (its alpha, 0..255) for a subject whose mask is `mask`, already placed on
 * the output canvas (same size as the result).
 */
export async function renderShadow(mask: Mask, spec: ShadowSpec): Promise<Mask> {
  const { width, height } = mask;
  const shadow = new Float32Array(width * height);
  const box = subjectBounds(mask);
  if (!box || spec.opacity <= 0) return toMask(shadow, width, height);
  const k = box.height / 1000;
  const base = box.y + box.height;
  const blur = Math.max(0, spec.blur) * k;
  const offset = spec.offsetY * k;
  const profile = bottomProfile(mask, box);
  const ground = groundLine(profile);
  // Contact: a thin dark line where the subject's lowest edge actually meets the floor (the ground
  // line), fading out where the edge lifts off it (a bumper, a hem, an overhang).
  const trim = Math.floor(profile.length * EDGE_TRIM);
  const touching = profile.map((yb, x) =>
    x < trim || x >= profile.length - trim
      ? 0
      : yb < 0
        ? 0
        : clamp01(1 - ((ground[x] ?? yb) - yb) / (0.03 * box.height)),
  );
  const contact = profileBand(profile, touching, box, 6 * k, 4 * k, offset * 0.3);
  await stamp(shadow, width, height, contact, blur * 0.2, spec.opacity);
  // Footprint: a wider, softer band along the ground line, spread sideways.
  // Columns whose lowest point hangs well above the floor (a hand, a raised heel) cast less of it.
  const present = profile.map((yb, x) =>
    yb < 0 ? 0 : 0.2 + 0.8 * clamp01(1 - ((ground[x] ?? yb) - yb) / (0.25 * box.height)),
  );
  const footprint = profileBand(ground, present, box, 12 * k, 28 * k, offset, spec.spread, 0.2);
  await stamp(shadow, width, height, footprint, blur, spec.opacity * 0.55);
  // Ambient drop: the whole silhouette squashed flat just below the base, very soft, barely there.
  const ambient = await squashedSilhouette(mask, box, spec.spread * 1.1, 0.1, base + offset * 1.5);
  // Ambient light is soft whatever the key light: a floor on its blur keeps it from becoming a pill.
  await stamp(shadow, width, height, ambient, Math.max(blur * 2.5, 40 * k), spec.opacity * 0.2);
  return toMask(shadow, width, height);
}

/**
 * The background with the shadow darkened into it: black at the shadow's alpha composited "over"
 * it, touching only the pixels the shadow covers.
 */
export function applyShadow(background: RawImage, shadow: Mask): RawImage {
  const bg = toRgba(background);
  const out = Buffer.from(bg.data);
  for (let i = 0; i < shadow.data.length; i++) {
    const s = shadow.data[i] ?? 0;
    if (s === 0) continue;
    const o = i * 4;
    const ab = out[o + 3] ?? 0;
    // Over an opaque pixel black simply scales the colour; over a see-through one the result gains
    // alpha and its colour keeps the background's share: Cb·ab·(1−s) / outA.
    const keep = ab === 255 ? 255 - s : (ab * (255 - s)) / (s + (ab * (255 - s)) / 255);
    for (let c = 0; c < 3; c++) out[o + c] = Math.round(((out[o + c] ?? 0) * keep) / 255);
    out[o + 3] = Math.round(s + (ab * (255 - s)) / 255);
  }
  return { data: out, width: bg.width, height: bg.height, channels: 4 };
}

/** The whole silhouette squashed to `heightFraction` of its height, centred on `centreY`. */
async function squashedSilhouette(
  mask: Mask,
  box: Box,
  spread: number,
  heightFraction: number,
  centreY: number,
): Promise<Patch> {
  const w = Math.max(1, Math.round(box.width * spread));
  const h = Math.max(1, Math.round(box.height * heightFraction));
  const squashed = await maskFromSharp(
    sharpFromMask(mask)
      .extract({ left: box.x, top: box.y, width: box.width, height: box.height })
      .resize(w, h, { fit: 'fill', kernel: 'linear' }),
  );
  return {
    mask: squashed,
    left: Math.round(box.x + box.width / 2 - w / 2),
    top: Math.round(centreY - h / 2),
  };
}

/** Blurs a patch and screens it into `acc` (0..1 alpha) at `opacity`. */
async function stamp(
  acc: Float32Array,
  width: number,
  height: number,
  patch: Patch,
  sigma: number,
  opacity: number,
): Promise<void> {
  const pad = Math.ceil(sigma * 3) + 1;
  const pw = patch.mask.width + pad * 2;
  const ph = patch.mask.height + pad * 2;
  const padded = new Uint8Array(pw * ph);
  for (let y = 0; y < patch.mask.height; y++) {
    padded.set(
      patch.mask.data.subarray(y * patch.mask.width, (y + 1) * patch.mask.width),
      (y + pad) * pw + pad,
    );
  }
  const soft =
    sigma >= 0.3
      ? await maskFromSharp(
          sharp(Buffer.from(padded), { raw: { width: pw, height: ph, channels: 1 } }).blur(sigma),
        )
      : { data: padded, width: pw, height: ph };
  const left = patch.left - pad;
  const top = patch.top - pad;
  for (let y = 0; y < ph; y++) {
    const cy = top + y;
    if (cy < 0 || cy >= height) continue;
    for (let x = 0; x < pw; x++) {
      const cx = left + x;
      if (cx < 0 || cx >= width) continue;
      const v = ((soft.data[y * pw + x] ?? 0) / 255) * opacity;
      const i = cy * width + cx;
      acc[i] = 1 - (1 - (acc[i] ?? 0)) * (1 - v);
    }
  }
}

function toMask(acc: Float32Array, width: number, height: number): Mask {
  const data = new Uint8Array(acc.length);
  for (let i = 0; i < acc.length; i++) data[i] = Math.round((acc[i] ?? 0) * 255);
  return { data, width, height };
}
