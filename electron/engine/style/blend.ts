/**
 * Mixes the full-size stylised colours into the original: by strength, and by the subject mask in
 * subject/background modes. A pixel whose weight is 0 is copied, never recomputed, so it stays
 * byte-identical (alpha included) — what a designer expects from "style only the subject".
 */
import type { Mask, RawImage } from '../imaging/raw';

export function blendStyled(
  original: RawImage,
  styledRgb: RawImage,
  strength: number,
  mode: 'full' | 'subject' | 'background',
  mask: Mask | undefined,
): RawImage {
  const { width, height, channels } = original;
  const out = Buffer.from(original.data);
  const n = width * height;
  for (let p = 0; p < n; p++) {
    let w = strength;
    if (mask && mode !== 'full') {
      const m = mask.data[p]! / 255;
      w *= mode === 'subject' ? m : 1 - m;
    }
    if (w <= 0) continue;
    const s = p * 3;
    const d = p * channels;
    if (channels === 1) {
      const styledLuma =
        0.299 * styledRgb.data[s]! + 0.587 * styledRgb.data[s + 1]! + 0.114 * styledRgb.data[s + 2]!;
      out[d] = Math.round(original.data[d]! + w * (styledLuma - original.data[d]!));
      continue;
    }
    for (let c = 0; c < 3; c++) {
      const o = original.data[d + c]!;
      out[d + c] = Math.round(o + w * (styledRgb.data[s + c]! - o));
    }
  }
  return { data: out, width, height, channels };
}
