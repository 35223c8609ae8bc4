/**
 * The blur is as wide as asked, at every σ and every scale: the preview composes at display size
 * what the engine renders at full size, so a blur that rounds its width (as integer box passes did:
 * up to +180 % at σ 0.5, ±20 % in between) shows the designer another softness than they save.
 */
import { describe, expect, it } from 'vitest';
import { blurredPhoto } from './blur-background';
import { blurFloat, extendedBox, reductionVariance } from './gaussian';

/**
 * The σ of a blur measured on a vertical step edge: the spread (second moment) of the blurred
 * row's slope, within ±`window` pixels of the edge.
 */
function spreadOfStep(row: (x: number) => number, edge: number, window: number): number {
  let m0 = 0;
  let m1 = 0;
  let m2 = 0;
  for (let x = Math.floor(edge - window); x < edge + window; x++) {
    const slope = row(x) - row(x - 1);
    const at = x - 0.5;
    m0 += slope;
    m1 += slope * at;
    m2 += slope * at * at;
  }
  const mean = m1 / m0;
  return Math.sqrt(m2 / m0 - mean * mean);
}

function blurredStep(width: number, sigma: number): number {
  const height = 8;
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) data.fill(255, y * width + width / 2, (y + 1) * width);
  blurFloat(data, width, height, 1, sigma);
  return spreadOfStep((x) => data[4 * width + x]!, width / 2, Math.max(4, 6 * sigma));
}

/** The background blur of a black | white photo (no subject), its σ in `scale`-free pixels. */
function blurredBackgroundStep(width: number, radius: number): number {
  const height = 12;
  const photo = { data: new Uint8ClampedArray(width * height * 4), width, height, channels: 4 as const };
  for (let y = 0; y < height; y++)
    for (let x = width / 2; x < width; x++)
      photo.data.fill(255, (y * width + x) * 4, (y * width + x) * 4 + 3);
  const mask = { data: new Uint8Array(width * height), width, height };
  const out = blurredPhoto(photo, mask, radius);
  const row = 6 * width * 4;
  return spreadOfStep((x) => out.data[row + x * 4]!, width / 2, Math.max(4, 4 * radius));
}

describe('Gaussian blur', () => {
  it('an extended box has exactly the variance asked, from none to wide', () => {
    for (const v of [0, 0.1, 0.5, 2 / 3, 1, 3.7, 12, 100]) {
      const { r, alpha, norm } = extendedBox(v);
      const taps = [
        ...Array.from({ length: 2 * r + 1 }, (_, i) => [i - r, 1]),
        [-r - 1, alpha],
        [r + 1, alpha],
      ];
      const variance = taps.reduce((sum, [k, w]) => sum + w! * k! * k!, 0) * norm;
      expect(variance).toBeCloseTo(v, 6);
      expect(alpha).toBeGreaterThanOrEqual(0);
      expect(alpha).toBeLessThan(1);
    }
  });

  it('is as wide as asked within 3 %, directly and on a reduced copy', () => {
    for (const sigma of [0.5, 0.8, 1.2, 2, 2.7, 4, 5.5, 7, 9, 13, 20, 33]) {
      expect(Math.abs(blurredStep(4000, sigma) / sigma - 1)).toBeLessThan(0.03);
    }
  });

  it('counts what the reduced copy blurs by itself (block means, bilinear read-back)', () => {
    expect(reductionVariance(1)).toBe(0);
    // f = 2: the block (0.25) and the tent read at ±0.5 and ±1.5 (0.75).
    expect(reductionVariance(2)).toBeCloseTo(1, 9);
    expect(reductionVariance(3)).toBeCloseTo(8 / 12 + 4 / 3, 9);
  });

  it('blurs a background as softly at display size as at full size', () => {
    // A 6000 px photo and its 1600 and 1000 px display copies, radius scaled alike: one σ in full pixels.
    for (const radius of [4, 8, 16, 24, 48]) {
      const full = blurredBackgroundStep(6000, radius);
      for (const side of [1600, 1000]) {
        const scale = side / 6000;
        const display = blurredBackgroundStep(side, radius * scale) / scale;
        expect(Math.abs(display / full - 1), `radius ${radius} at ${side} px`).toBeLessThan(0.08);
      }
    }
  });
});
