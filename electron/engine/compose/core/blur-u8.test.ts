/**
 * Feathering is as wide as asked, at full size and at the preview's display size alike (the box
 * passes it used before were whole boxes: a 2 px feather seen on a 1600 px copy of a 24 MP photo
 * was 2.6 times too soft in the preview).
 */
import { describe, expect, it } from 'vitest';
import { gaussianBlurU8 } from './blur-u8';
import { shapeEdges } from './edges';

/** The σ of a blurred step (0 | 255 at `edge`) along a row: the spread of its slope near the edge. */
function spread(row: (x: number) => number, edge: number, window: number): number {
  let m0 = 0;
  let m1 = 0;
  let m2 = 0;
  for (let x = Math.max(1, Math.floor(edge - window)); x < edge + window; x++) {
    const slope = row(x) - row(x - 1);
    m0 += slope;
    m1 += slope * (x - 0.5);
    m2 += slope * (x - 0.5) ** 2;
  }
  return Math.sqrt(m2 / m0 - (m1 / m0) ** 2);
}

/** A horizontal step mask `width` wide, its edge in the middle, feathered by `feather`. */
function featheredStep(width: number, feather: number): number {
  const height = 24;
  const mask = { data: new Uint8Array(width * height), width, height };
  for (let y = 0; y < height; y++) mask.data.fill(255, y * width + width / 2, (y + 1) * width);
  const { data } = shapeEdges(mask, { edges: 'soft', feather });
  return spread((x) => data[12 * width + x]!, width / 2, Math.max(4, 5 * feather));
}

describe('8-bit Gaussian blur (feather)', () => {
  it('is as wide as asked within 5 %, small and large', () => {
    for (const sigma of [0.8, 1.2, 2, 3.3, 5, 8, 13]) {
      const measured = featheredStep(2000, sigma);
      expect(Math.abs(measured / sigma - 1), `σ ${sigma}: ${measured.toFixed(2)}`).toBeLessThan(0.05);
    }
  });

  it('feathers as softly at display size as at full size', () => {
    for (const feather of [2, 4, 8]) {
      const full = featheredStep(4000, feather);
      const display = featheredStep(1000, feather / 4) * 4;
      expect(Math.abs(display / full - 1), `feather ${feather}`).toBeLessThan(0.1);
    }
  });

  it('keeps a flat plane flat and blurs up to the borders without darkening them', () => {
    const data = new Uint8Array(50 * 30).fill(200);
    gaussianBlurU8(data, 50, 30, 2.7);
    expect([...new Set(data)]).toEqual([200]);
  });
});
