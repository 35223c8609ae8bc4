import { describe, expect, it } from 'vitest';
import type { RawImage } from '../imaging/raw';
import { extractPalette, renderBackdrop } from './palette';

/** Three flat blocks: 50 % red, 30 % teal, 20 % cream. */
function blocks(): RawImage {
  const width = 100;
  const height = 40;
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = x < 50 ? [200, 30, 40] : x < 80 ? [20, 140, 140] : [245, 235, 210];
      data.set(c, (y * width + x) * 3);
    }
  }
  return { data, width, height, channels: 3 };
}

const luma = (img: RawImage, x: number, y: number) => {
  const i = (y * img.width + x) * img.channels;
  return 0.2126 * (img.data[i] ?? 0) + 0.7152 * (img.data[i + 1] ?? 0) + 0.0722 * (img.data[i + 2] ?? 0);
};

describe('extractPalette', () => {
  it('finds the dominant colours with their shares, sorted', async () => {
    const palette = await extractPalette(blocks(), 3);
    expect(palette).toHaveLength(3);
    const [first, second, third] = palette;
    expect(first?.share).toBeCloseTo(0.5, 1);
    expect(second?.share).toBeCloseTo(0.3, 1);
    expect(third?.share).toBeCloseTo(0.2, 1);
    const near = (c: { r: number; g: number; b: number } | undefined, rgb: number[]) =>
      expect(
        Math.max(
          Math.abs((c?.r ?? 0) - (rgb[0] ?? 0)),
          Math.abs((c?.g ?? 0) - (rgb[1] ?? 0)),
          Math.abs((c?.b ?? 0) - (rgb[2] ?? 0)),
        ),
      ).toBeLessThan(12);
    near(first?.color, [200, 30, 40]);
    near(second?.color, [20, 140, 140]);
    near(third?.color, [245, 235, 210]);
  });

  it('is deterministic and validates k', async () => {
    const a = await extractPalette(blocks(), 5);
    const b = await extractPalette(blocks(), 5);
    expect(a).toEqual(b);
    await expect(extractPalette(blocks(), 0)).rejects.toThrow(/palette size/);
  });
});

describe('renderBackdrop', () => {
  it('paints a sweep: light wall, slightly darker floor, darker corners, no hard edge', async () => {
    const palette = await extractPalette(blocks(), 3);
    const img = renderBackdrop(palette, 300, 400, 'sweep');
    expect([img.width, img.height, img.channels]).toEqual([300, 400, 4]);
    const row = (y: number) => {
      let s = 0;
      for (let x = 140; x < 160; x++) s += luma(img, x, y);
      return s / 20;
    };
    expect(row(100)).toBeGreaterThan(row(330));
    expect(luma(img, 150, 200)).toBeGreaterThan(luma(img, 2, 2) + 5);
    // Smooth: neighbouring rows never jump by more than a couple of levels.
    for (let y = 1; y < 400; y++) expect(Math.abs(row(y) - row(y - 1))).toBeLessThan(2.5);
    // Quiet and light, as a studio backdrop should be (the palette is a saturated red).
    expect(row(100)).toBeGreaterThan(170);
  });

  it('paints a gradient from the first palette colour to the second', async () => {
    const palette = await extractPalette(blocks(), 3);
    const img = renderBackdrop(palette, 40, 200, 'gradient');
    const top = img.data.subarray(0, 3);
    const bottom = img.data.subarray(199 * 40 * 4, 199 * 40 * 4 + 3);
    // Red-ish at the top (r > b), teal-ish at the bottom (b > r).
    expect((top[0] ?? 0) - (top[2] ?? 0)).toBeGreaterThan(10);
    expect((bottom[2] ?? 0) - (bottom[0] ?? 0)).toBeGreaterThan(10);
  });
});
