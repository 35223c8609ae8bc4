/**
 * Feathering is as wide as asked, at full size and at the preview's display size alike (the box
 * passes it used before were whole boxes: a 2 px feather seen on a 1600 px copy of a 24 MP photo
 * was 2.6 times too soft in the preview).
 */
import { describe, expect, it } from 'vitest';
import { gaussianBlurU8 } from './blur-u8';
import { extendedBox } from './gaussian';
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

  it('equals a plain weighted average of the taps inside, on planes smaller than its window too', () => {
    // The reference: each pass averages the taps within the plane (weight 1 on x − r … x + r, α on
    // x ± (r + 1)), rows then columns, rounding to 8 bits after each.
    const reference = (src: Uint8Array, w: number, h: number, sigma: number): Uint8Array => {
      const { r, alpha } = extendedBox((sigma * sigma) / 3);
      const pass = (
        v: Uint8Array,
        n: number,
        at: (i: number) => number,
        set: (i: number, x: number) => void,
      ) => {
        for (let i = 0; i < n; i++) {
          let sum = 0;
          let weight = 0;
          for (let k = -r - 1; k <= r + 1; k++) {
            if (i + k < 0 || i + k >= n) continue;
            const wk = Math.abs(k) === r + 1 ? alpha : 1;
            sum += wk * at(i + k);
            weight += wk;
          }
          set(i, sum / weight + 0.5);
        }
        return v;
      };
      let data = Uint8Array.from(src);
      for (let p = 0; p < 3; p++) {
        const rows = new Uint8Array(w * h);
        for (let y = 0; y < h; y++)
          pass(
            rows,
            w,
            (x) => data[y * w + x]!,
            (x, v) => (rows[y * w + x] = v),
          );
        const out = new Uint8Array(w * h);
        for (let x = 0; x < w; x++)
          pass(
            out,
            h,
            (y) => rows[y * w + x]!,
            (y, v) => (out[y * w + x] = v),
          );
        data = out;
      }
      return data;
    };
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256;
    for (const [w, h, sigma] of [
      [3, 2, 6],
      [1, 9, 2.2],
      [17, 13, 1.3],
      [40, 25, 3.7],
      [64, 5, 9],
      // Widths that fall on a whole box (r = 1, 2): no end weight.
      [5, 4, Math.SQRT2],
      [30, 7, Math.sqrt(6)],
    ] as const) {
      const src = Uint8Array.from({ length: w * h }, random);
      const ours = Uint8Array.from(src);
      gaussianBlurU8(ours, w, h, sigma);
      const expected = reference(src, w, h, sigma);
      // Within one level: the two sum the same values in a different order before rounding.
      const worst = Math.max(...Array.from(ours, (v, i) => Math.abs(v - expected[i]!)));
      expect(worst, `${w}×${h} σ ${sigma}`).toBeLessThanOrEqual(1);
    }
  });

  it('keeps a flat plane flat and blurs up to the borders without darkening them', () => {
    const data = new Uint8Array(50 * 30).fill(200);
    gaussianBlurU8(data, 50, 30, 2.7);
    expect([...new Set(data)]).toEqual([200]);
  });
});
