import { describe, expect, it } from 'vitest';
import { axisOrigins, axisWeights, planTiles, TILE_ALIGN } from './tiles';

describe('tile plan', () => {
  it.each([
    [256, 256, 64],
    [600, 256, 64],
    [1024, 256, 64],
    [1000, 720, 180],
    [1441, 720, 0],
  ])('covers %i px with %i px tiles overlapping by at least %i', (length, tile, overlap) => {
    const xs = axisOrigins(length, tile, overlap);
    expect(xs[0]).toBe(0);
    expect(xs.at(-1)! + tile).toBeGreaterThanOrEqual(length);
    expect(xs.at(-1)! + tile).toBeLessThan(Math.max(length, tile) + TILE_ALIGN);
    for (const x of xs) expect(x % TILE_ALIGN).toBe(0);
    for (let i = 1; i < xs.length; i++) {
      expect(xs[i - 1]! + tile - xs[i]!).toBeGreaterThanOrEqual(overlap);
    }
  });

  it('gives one tile when the image is smaller than the model', () => {
    const plan = planTiles(100, 300, 256, 256, 64);
    expect(plan.xs).toEqual([0]);
    expect(plan.ys).toEqual([0, 48]);
    expect(plan.tiles).toHaveLength(2);
  });

  it('weights sum to 1 at every pixel for default overlaps, with full weight on image borders', () => {
    for (const [length, tile, overlap] of [
      [600, 256, 64],
      [1000, 256, 64],
      [2000, 720, 180],
    ] as const) {
      const xs = axisOrigins(length, tile, overlap);
      const sum = new Float64Array(length + TILE_ALIGN);
      xs.forEach((x, i) => {
        const w = axisWeights(xs, i, tile);
        for (let k = 0; k < tile; k++) sum[x + k]! += w[k]!;
      });
      for (let p = 0; p < length; p++) expect(sum[p]).toBeCloseTo(1, 4);
      expect(axisWeights(xs, 0, tile)[0]).toBe(1);
      expect(axisWeights(xs, xs.length - 1, tile)[tile - 1]).toBe(1);
    }
  });

  it('large overlaps (ramps of one tile overlapping) still cover every pixel with weight', () => {
    // Such plans are no exact partition of unity; TileAccumulator divides by the weight sum.
    const xs = axisOrigins(1000, 256, 128);
    const sum = new Float64Array(1000 + TILE_ALIGN);
    xs.forEach((x, i) => axisWeights(xs, i, 256).forEach((w, k) => (sum[x + k]! += w)));
    for (let p = 0; p < 1000; p++) expect(sum[p]).toBeGreaterThan(0.3);
  });
});
