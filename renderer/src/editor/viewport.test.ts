import { describe, expect, it } from 'vitest';
import { actualSize, fitView, percent, toImage, zoomTo } from './viewport';

describe('viewer zoom', () => {
  const frame = { width: 800, height: 600 };

  it('Fit shows the whole image whatever its shape', () => {
    for (const image of [
      { width: 6000, height: 4000 },
      { width: 1000, height: 3000 },
      { width: 2000, height: 2000 },
    ]) {
      const v = fitView(frame, image);
      expect(v.x).toBeGreaterThanOrEqual(0);
      expect(v.y).toBeGreaterThanOrEqual(0);
      expect(v.x + image.width * v.scale).toBeLessThanOrEqual(frame.width);
      expect(v.y + image.height * v.scale).toBeLessThanOrEqual(frame.height);
      // and it is as large as fits on one side
      expect(
        Math.max(
          (image.width * v.scale) / (frame.width - 32),
          (image.height * v.scale) / (frame.height - 32),
        ),
      ).toBeCloseTo(1, 5);
    }
  });

  it('100 % is one image pixel per device pixel', () => {
    for (const dpr of [1, 1.5, 2]) {
      const v = actualSize(fitView(frame, { width: 6000, height: 4000 }), frame, dpr);
      expect(v.scale * dpr).toBeCloseTo(1, 10);
      expect(percent(v, dpr)).toBeCloseTo(100, 10);
      expect((v.x * dpr) % 1).toBeCloseTo(0, 10);
    }
  });

  it('zooming keeps the image point under the cursor in place', () => {
    const v = fitView(frame, { width: 4000, height: 3000 });
    const at = { x: 300, y: 200 };
    const before = toImage(v, at);
    const after = toImage(zoomTo(v, v.scale * 3, at, 1), at);
    expect(after[0]).toBeCloseTo(before[0], 6);
    expect(after[1]).toBeCloseTo(before[1], 6);
  });
});
