/**
 * Colour harmonization: nudges the cut-out's colours toward a reference picture's mood by
 * transferring per-channel mean and standard deviation (Reinhard et al. 2001) in OKLab, measured on
 * the subject's own pixels only (the old background must not count). strength 0 is the identity,
 * byte for byte; 1 is the full transfer.
 */
import { AtelierError } from '../errors';
import type { Mask, RawImage } from '../imaging/raw';
import { linearToOklab, linearToSrgbFast, oklabToLinear, SRGB_TO_LINEAR, type Lab } from './core/color';

export interface LabStats {
  mean: Lab;
  std: Lab;
}

/** Contrast changes beyond these ratios make products look wrong, whatever the reference. */
const MIN_STD_RATIO = 0.5;
const MAX_STD_RATIO = 2;
/** Statistics read at most this many pixels (evenly strided) so a 24 MP reference stays fast. */
const SAMPLE_BUDGET = 250_000;

/**
 * OKLab mean and standard deviation of an image, weighted by `mask` when given (alpha 0 pixels are
 * ignored, partial alpha counts partially).
 */
export function labStats(image: RawImage, mask?: Mask): LabStats {
  const n = image.width * image.height;
  const step = Math.max(1, Math.floor(n / SAMPLE_BUDGET));
  const sum = [0, 0, 0];
  const sq = [0, 0, 0];
  let total = 0;
  const lab: Lab = [0, 0, 0];
  const ch = image.channels;
  for (let i = 0; i < n; i += step) {
    const w = mask ? (mask.data[i] ?? 0) / 255 : ch === 4 ? (image.data[i * 4 + 3] ?? 0) / 255 : 1;
    if (w === 0) continue;
    pixelLab(image.data, i * ch, ch, lab);
    for (let c = 0; c < 3; c++) {
      const v = lab[c] ?? 0;
      sum[c] = (sum[c] ?? 0) + v * w;
      sq[c] = (sq[c] ?? 0) + v * v * w;
    }
    total += w;
  }
  if (total === 0) return { mean: [0, 0, 0], std: [0, 0, 0] };
  const mean: Lab = [0, 0, 0];
  const std: Lab = [0, 0, 0];
  for (let c = 0; c < 3; c++) {
    mean[c] = (sum[c] ?? 0) / total;
    std[c] = Math.sqrt(Math.max(0, (sq[c] ?? 0) / total - (mean[c] ?? 0) ** 2));
  }
  return { mean, std };
}

export function harmonizeColors(
  subject: RawImage,
  mask: Mask,
  reference: RawImage,
  strength: number,
): RawImage {
  if (!Number.isFinite(strength) || strength < 0 || strength > 1) {
    throw new AtelierError('USAGE', `harmonize strength: ${strength} is not between 0 and 1`, {
      hint: 'use 0 (off) to 1 (full), for example 0.3',
    });
  }
  if (strength === 0) return { ...subject, data: Buffer.from(subject.data) };
  const from = labStats(subject, mask);
  const to = labStats(reference);
  const scale: Lab = [0, 0, 0];
  for (let c = 0; c < 3; c++) {
    const s = (from.std[c] ?? 0) > 1e-6 ? (to.std[c] ?? 0) / (from.std[c] ?? 1) : 1;
    scale[c] = Math.min(MAX_STD_RATIO, Math.max(MIN_STD_RATIO, s));
  }
  const out = Buffer.from(subject.data);
  const ch = subject.channels;
  const lab: Lab = [0, 0, 0];
  const rgb: Lab = [0, 0, 0];
  const n = subject.width * subject.height;
  for (let i = 0; i < n; i++) {
    // Fully transparent pixels are invisible; leaving them alone keeps the bytes (and speed).
    if ((mask.data[i] ?? 0) === 0) continue;
    const o = i * ch;
    pixelLab(subject.data, o, ch, lab);
    for (let c = 0; c < 3; c++) {
      const v = lab[c] ?? 0;
      const moved = (v - (from.mean[c] ?? 0)) * (scale[c] ?? 1) + (to.mean[c] ?? 0);
      lab[c] = v + (moved - v) * strength;
    }
    oklabToLinear(lab[0], lab[1], lab[2], rgb);
    if (ch === 1) {
      out[o] = Math.round(linearToSrgbFast(rgb[1]));
    } else {
      for (let c = 0; c < 3; c++) out[o + c] = Math.round(linearToSrgbFast(rgb[c] ?? 0));
    }
  }
  return { data: out, width: subject.width, height: subject.height, channels: subject.channels };
}

function pixelLab(data: Buffer, offset: number, channels: number, out: Lab): Lab {
  const r = data[offset] ?? 0;
  const g = channels >= 3 ? (data[offset + 1] ?? 0) : r;
  const b = channels >= 3 ? (data[offset + 2] ?? 0) : r;
  return linearToOklab(SRGB_TO_LINEAR[r] ?? 0, SRGB_TO_LINEAR[g] ?? 0, SRGB_TO_LINEAR[b] ?? 0, out);
}
